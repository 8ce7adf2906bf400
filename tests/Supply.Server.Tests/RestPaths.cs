using Google.Api;
using Google.Protobuf.Reflection;
using Supply.Contracts.V1;

namespace Supply.Server.Tests;

/// <summary>The REST paths the protos declare (google.api.http), read from the compiled descriptors.</summary>
public static class RestPaths
{
    public static IReadOnlyList<FileDescriptor> Files { get; } =
    [
        AuditReflection.Descriptor, CatalogReflection.Descriptor, CoverageReflection.Descriptor, FeedsReflection.Descriptor,
        ScenariosReflection.Descriptor, ShortagesReflection.Descriptor, StockReflection.Descriptor,
    ];

    public static IEnumerable<MethodDescriptor> Methods => Files.SelectMany(f => f.Services).SelectMany(s => s.Methods);

    /// <summary>(service, method, verb, path) of every RPC with an HTTP rule.</summary>
    public static IReadOnlyList<(string Service, string Method, string Verb, string Path)> All() =>
    [
        .. from m in Methods
           let rule = m.GetOptions()?.GetExtension(AnnotationsExtensions.Http)
           where rule is not null
           select (m.Service.Name, m.Name, rule.PatternCase.ToString().ToLowerInvariant(), rule.PatternCase switch
           {
               HttpRule.PatternOneofCase.Get => rule.Get,
               HttpRule.PatternOneofCase.Post => rule.Post,
               HttpRule.PatternOneofCase.Put => rule.Put,
               HttpRule.PatternOneofCase.Patch => rule.Patch,
               HttpRule.PatternOneofCase.Delete => rule.Delete,
               _ => rule.Custom.Path,
           }),
    ];
}
