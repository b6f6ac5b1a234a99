namespace Dropzone.Portal.Core.Groups;

public static class ManagedGroupQueries
{
    /// <summary>The groups whose owners (Exchange's ManagedBy, as last read) include this Entra object id.</summary>
    public static IQueryable<ManagedGroup> OwnedBy(this IQueryable<ManagedGroup> groups, string objectId) =>
        groups.Where(g => g.Owners.Any(o => o.ObjectId == objectId));
}
