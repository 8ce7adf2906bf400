namespace Supply.Application;

/// <summary>Something asked for is not in the catalog (gRPC: NOT_FOUND; dashboard: a not-found page).</summary>
public sealed class NotFoundException(string message) : Exception(message);

/// <summary>The access policy refused the caller (gRPC: PERMISSION_DENIED; dashboard: a refusal page).</summary>
public sealed class AccessDeniedException(string message) : Exception(message);
