using Dropzone.Portal.Security;
using Microsoft.AspNetCore.Authorization.Infrastructure;

namespace Dropzone.Portal.Tests.Security;

public sealed class ManagedGroupAuthorizationHandlerTests
{
    private const string OwnerId = "0f0e0d0c-0000-0000-0000-000000000001";
    private const string OtherOwnerId = "0f0e0d0c-0000-0000-0000-000000000002";

    private static readonly ManagedGroup Group = new()
    {
        DisplayName = "Dropzone allowed inboxes",
        Owners = [new GroupOwner { ObjectId = OwnerId, UserPrincipalName = "olga@contoso.example", DisplayName = "Olga" }],
    };

    public static TheoryData<string, string, bool> Matrix() => new()
    {
        // persona, operation, allowed
        { "admin", nameof(GroupOperations.View), true },
        { "admin", nameof(GroupOperations.ManageMembers), true },
        { "admin", nameof(GroupOperations.DecideRequests), true },
        { "admin", nameof(GroupOperations.Administer), true },
        { "auditor", nameof(GroupOperations.View), true },
        { "auditor", nameof(GroupOperations.ManageMembers), false },
        { "auditor", nameof(GroupOperations.DecideRequests), false },
        { "auditor", nameof(GroupOperations.Administer), false },
        { "owner", nameof(GroupOperations.View), true },
        { "owner", nameof(GroupOperations.ManageMembers), true },
        { "owner", nameof(GroupOperations.DecideRequests), true },
        { "owner", nameof(GroupOperations.Administer), false },
        { "other-owner", nameof(GroupOperations.View), false },
        { "other-owner", nameof(GroupOperations.ManageMembers), false },
        { "other-owner", nameof(GroupOperations.DecideRequests), false },
        { "user", nameof(GroupOperations.View), false },
        { "user", nameof(GroupOperations.DecideRequests), false },
        { "anonymous", nameof(GroupOperations.View), false },
    };

    [Theory]
    [MemberData(nameof(Matrix))]
    public async Task Authorize_PersonaAndOperation_MatchesTheMatrix(string persona, string operation, bool expected)
    {
        var authorization = BuildAuthorizationService();
        var requirement = new OperationAuthorizationRequirement { Name = operation };

        var result = await authorization.AuthorizeAsync(Persona(persona), Group, requirement);

        Assert.Equal(expected, result.Succeeded);
    }

    [Fact]
    public async Task Authorize_OwnerRemovedFromGroup_LosesTheRightAtOnce()
    {
        var authorization = BuildAuthorizationService();
        var group = new ManagedGroup { Owners = [new GroupOwner { ObjectId = OwnerId }] };
        Assert.True((await authorization.AuthorizeAsync(Persona("owner"), group, GroupOperations.DecideRequests)).Succeeded);

        group.Owners.Clear();

        Assert.False((await authorization.AuthorizeAsync(Persona("owner"), group, GroupOperations.DecideRequests)).Succeeded);
    }

    private static IAuthorizationService BuildAuthorizationService()
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Services.AddPortalAuthorizationPolicies();
        builder.Services.AddLogging();
        return builder.Build().Services.GetRequiredService<IAuthorizationService>();
    }

    private static ClaimsPrincipal Persona(string persona)
    {
        if (persona == "anonymous")
        {
            return new ClaimsPrincipal(new ClaimsIdentity());
        }
        var claims = new List<Claim> { new("name", persona) };
        switch (persona)
        {
            case "admin": claims.Add(new(ClaimTypes.Role, PortalRoles.Admin)); claims.Add(new("oid", Guid.NewGuid().ToString())); break;
            case "auditor": claims.Add(new(ClaimTypes.Role, PortalRoles.Auditor)); claims.Add(new("oid", Guid.NewGuid().ToString())); break;
            case "owner": claims.Add(new("oid", OwnerId)); break;
            case "other-owner": claims.Add(new("oid", OtherOwnerId)); break;
            default: claims.Add(new("oid", Guid.NewGuid().ToString())); break;
        }
        return new ClaimsPrincipal(new ClaimsIdentity(claims, "test", "name", ClaimTypes.Role));
    }
}
