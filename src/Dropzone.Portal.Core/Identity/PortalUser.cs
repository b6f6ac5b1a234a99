namespace Dropzone.Portal.Core.Identity;

/// <summary>A signed-in person, as Entra ID names them: the object id is the identity, the rest is for people.</summary>
public sealed record PortalUser(string ObjectId, string UserPrincipalName, string DisplayName)
{
    public bool IsSamePerson(string? objectId) =>
        objectId is not null && string.Equals(ObjectId, objectId, StringComparison.OrdinalIgnoreCase);
}
