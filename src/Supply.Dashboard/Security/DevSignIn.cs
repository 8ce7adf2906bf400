using System.Net;
using System.Text;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Http;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;
using Supply.DevTokens;
using Supply.Domain.Catalog;
using Supply.Server.Security;

namespace Supply.Dashboard.Security;

/// <summary>
/// DEVELOPMENT ONLY: pick a role and region, get a session. The claims come from a token minted and checked with the
/// well-known development key, exactly as a `supply dev token` is for gRPC. Mapped only in Development; elsewhere the
/// paths do not exist (404).
/// </summary>
public static class DevSignIn
{
    public static IResult Page(HttpContext http, IAntiforgery antiforgery, string? returnUrl)
    {
        var tokens = antiforgery.GetAndStoreTokens(http);
        var html = new StringBuilder();
        html.Append("<!DOCTYPE html><html lang=\"sv\"><head><meta charset=\"utf-8\"><title>Supply – utvecklingsinloggning</title>")
            .Append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"><link rel=\"stylesheet\" href=\"/_content/Supply.Dashboard/dashboard.css\"></head><body class=\"signin\">")
            .Append("<main><h1>Supply – inloggning för utveckling <span lang=\"en\">(development sign-in)</span></h1>")
            .Append("<p class=\"dev-warning\" role=\"alert\"><strong>Endast utveckling.</strong> Den här sidan finns bara i miljön Development och använder den allmänt kända utvecklingsnyckeln. ")
            .Append("<span lang=\"en\">Development only: this page exists only in the Development environment.</span></p>")
            .Append("<form method=\"post\" action=\"/auth/dev-sign-in\">")
            .Append($"<input type=\"hidden\" name=\"{tokens.FormFieldName}\" value=\"{WebUtility.HtmlEncode(tokens.RequestToken)}\">")
            .Append($"<input type=\"hidden\" name=\"returnUrl\" value=\"{WebUtility.HtmlEncode(DashboardAuth.IsLocal(returnUrl) ? returnUrl : "/")}\">")
            .Append("<label>Namn / Name <input name=\"name\" value=\"utvecklare\" required></label>")
            .Append("<label>Roll / Role <select name=\"role\" id=\"role\">");
        foreach (var role in Roles.All) html.Append($"<option{(role == Roles.NationalCoordinator ? " selected" : "")}>{role}</option>");
        html.Append("</select></label><label>Region <select name=\"region\" id=\"region\"><option value=\"\">–</option>");
        foreach (var region in Regions.All.OrderBy(r => r.Code, StringComparer.Ordinal))
            html.Append($"<option value=\"{region.Code}\">{region.Code} {WebUtility.HtmlEncode(region.Name)}</option>");
        html.Append("</select></label><label>Leverantör / Supplier <input name=\"supplier\" value=\"\"></label>")
            .Append("<button type=\"submit\">Logga in / Sign in</button></form></main></body></html>");
        return Results.Content(html.ToString(), "text/html; charset=utf-8");
    }

    public static async Task<IResult> SignInAsync(HttpContext http, IAntiforgery antiforgery)
    {
        await antiforgery.ValidateRequestAsync(http);
        var form = await http.Request.ReadFormAsync();
        var role = form["role"].ToString();
        if (!Roles.All.Contains(role)) return Results.BadRequest("unknown role");
        var region = form["region"].ToString();
        if (region.Length > 0 && !Regions.IsRegionCode(region)) return Results.BadRequest("unknown region");
        var supplier = form["supplier"].ToString().Trim();
        var name = form["name"].ToString().Trim() is { Length: > 0 } n ? n : "utvecklare";
        var token = SupplyTokens.Mint(name, [role], region.Length > 0 ? [region] : [], supplier.Length > 0 ? [supplier] : [], lifetime: TimeSpan.FromHours(8));
        var checkedToken = await new JsonWebTokenHandler().ValidateTokenAsync(token, new TokenValidationParameters
        {
            ValidIssuer = SupplyTokens.DevelopmentIssuer,
            ValidAudience = SupplyTokens.Audience,
            IssuerSigningKey = new SymmetricSecurityKey(Convert.FromBase64String(SupplyTokens.DevelopmentKey)),
        });
        if (!checkedToken.IsValid) return Results.Problem("the development token did not validate");
        var claims = checkedToken.ClaimsIdentity.Claims.Where(c => c.Type is SupplyClaims.Name or SupplyClaims.Role or SupplyClaims.Region or SupplyClaims.Supplier);
        await http.SignInAsync(DashboardAuth.CookieScheme, DashboardAuth.Principal(claims));
        var returnUrl = form["returnUrl"].ToString();
        return Results.LocalRedirect(DashboardAuth.IsLocal(returnUrl) ? returnUrl : "/");
    }
}
