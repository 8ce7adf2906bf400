using Microsoft.AspNetCore.Components.Authorization;
using Supply.Server.Security;

namespace Supply.Dashboard.Live;

/// <summary>The signed-in caller of this circuit, as the access policy knows callers.</summary>
public sealed class DashboardCaller(AuthenticationStateProvider authentication)
{
    private Caller? _caller;

    /// <summary>Who is signed in, as the header shows it (set by <see cref="GetAsync"/>).</summary>
    public string DisplayName { get; private set; } = "";

    /// <summary>The caller; an unauthenticated circuit never gets this far (the policy on every endpoint), but gets no rights if it did.</summary>
    public async Task<Caller> GetAsync()
    {
        if (_caller is not null) return _caller;
        var state = await authentication.GetAuthenticationStateAsync();
        _caller = Caller.From(state.User) ?? new Caller("anonymous", new HashSet<string>(), new HashSet<string>(), new HashSet<string>());
        // The provider's display name ("name") where it sends one; the subject otherwise.
        DisplayName = state.User.FindFirst("name")?.Value ?? _caller.Name;
        return _caller;
    }

    /// <summary>Whether the caller may read this region's figures and locations (the rule of GetCoverage / ListStaleLocations).</summary>
    public async Task<bool> CanReadRegionAsync(AccessPolicy policy, string regionCode) =>
        await policy.CheckReadRegionsAsync(await GetAsync(), [regionCode]) is null;
}
