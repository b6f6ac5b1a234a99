using Microsoft.Graph;
using Microsoft.Graph.Models;
using Microsoft.Graph.Models.ODataErrors;
using Microsoft.Kiota.Abstractions;

namespace Dropzone.Portal.TenantClients.Graph;

/// <summary>
/// <see cref="IDirectoryClient"/> over the Microsoft.Graph SDK. The SDK runs on our HttpClient, so Graph
/// calls get the same retries, Retry-After handling, concurrency limit, logging and handler routing as
/// Exchange calls.
/// </summary>
public sealed class DirectoryClient : IDirectoryClient, IDisposable
{
    public const string HttpClientName = "Dropzone.TenantClients.Graph";

    /// <summary>
    /// Graph allows at most 15 child clauses in a filter without an advanced query, each value of an <c>in</c>
    /// counting as one ("Too many child clauses ...", microsoftgraph/microsoft-graph-docs#21098).
    /// </summary>
    internal const int AddressesPerFilter = 15;

    /// <summary>Graph's <c>$batch</c> takes at most 20 requests.</summary>
    internal const int RequestsPerBatch = 20;

    /// <summary>How many <c>$batch</c> calls one resolution keeps in flight.</summary>
    internal const int ParallelBatches = 4;

    private static readonly string[] UserFields = ["id", "displayName", "userPrincipalName", "mail"];

    private readonly GraphServiceClient _graph;
    private readonly ILogger<DirectoryClient> _logger;

    public DirectoryClient(IHttpClientFactory httpClientFactory, ITenantTokenProvider tokens, IOptions<TenantClientsOptions> options, ILogger<DirectoryClient> logger)
    {
        var settings = options.Value;
        _graph = new GraphServiceClient(
            httpClientFactory.CreateClient(HttpClientName),
            new GraphAuthenticationProvider(tokens, settings.GraphScope),
            settings.GraphBaseUrl.AbsoluteUri.TrimEnd('/'));
        _logger = logger;
    }

    public void Dispose() => _graph.Dispose();

    public async Task<IReadOnlyList<DirectoryUser>> SearchPeopleAsync(string text, int top = 20, CancellationToken cancellationToken = default)
    {
        // $search terms are double-quoted; a quote or backslash in the input would end the term early.
        var term = new string([.. (text ?? string.Empty).Where(c => c is not ('"' or '\\') && !char.IsControl(c))]).Trim();
        if (term.Length == 0)
        {
            return [];
        }

        var page = await CallAsync("User.Read.All", () => _graph.Users.GetAsync(request =>
        {
            request.QueryParameters.Search = $"\"displayName:{term}\" OR \"mail:{term}\"";
            request.QueryParameters.Select = UserFields;
            request.QueryParameters.Top = Math.Clamp(top, 1, 999);
            // Without it Graph answers 400 Request_UnsupportedQuery to $search.
            request.Headers.Add("ConsistencyLevel", "eventual");
        }, cancellationToken));
        return [.. (page?.Value ?? []).Select(ToUser)];
    }

    public async Task<DirectoryUser?> FindUserAsync(string idUpnOrMail, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(idUpnOrMail);
        var key = idUpnOrMail.Trim();
        if (Guid.TryParse(key, out _) || key.Contains('@', StringComparison.Ordinal))
        {
            var user = await CallAsync("User.Read.All", () => _graph.Users[key].GetAsync(r => r.QueryParameters.Select = UserFields, cancellationToken));
            if (user is not null || !key.Contains('@', StringComparison.Ordinal))
            {
                return user is null ? null : ToUser(user);
            }
        }

        // A mail address that is not also the UPN.
        var page = await CallAsync("User.Read.All", () => _graph.Users.GetAsync(request =>
        {
            request.QueryParameters.Filter = $"mail eq {ODataString(key)}";
            request.QueryParameters.Select = UserFields;
            request.QueryParameters.Top = 1;
        }, cancellationToken));
        return page?.Value?.FirstOrDefault() is { } found ? ToUser(found) : null;
    }

    public async Task<IReadOnlyDictionary<string, DirectoryUser>> ResolveAddressesAsync(
        IEnumerable<string> addresses, IProgress<int>? progress = null, CancellationToken cancellationToken = default)
    {
        var wanted = addresses.Select(a => a.Trim()).Where(a => a.Length > 0).Distinct(StringComparer.OrdinalIgnoreCase).ToList();
        var found = new Dictionary<string, DirectoryUser>(StringComparer.OrdinalIgnoreCase);
        if (wanted.Count == 0)
        {
            return found;
        }

        // Fast path: one "in" over 15 addresses per $filter (Graph counts each value as a child clause and allows 15
        // without an advanced query), 20 filters per $batch; by mail first, then by UPN for the addresses left.
        var unsupported = new List<string>();
        foreach (var property in new[] { "mail", "userPrincipalName" })
        {
            var left = wanted.Where(a => !found.ContainsKey(a) && !unsupported.Contains(a, StringComparer.OrdinalIgnoreCase)).ToList();
            if (left.Count == 0)
            {
                break;
            }

            var queries = left.Chunk(AddressesPerFilter).Select(c => (c, InFilter(property, c))).ToList();
            foreach (var (chunk, page) in await RunFiltersAsync(queries, property == "mail" ? progress : null, cancellationToken))
            {
                if (page is null)
                {
                    unsupported.AddRange(chunk);
                }
                else
                {
                    Match(chunk, page.Value ?? [], found);
                }
            }
        }

        // Where "in" is refused (older tenants), one "eq" per address: by mail, then by UPN.
        foreach (var property in new[] { "mail", "userPrincipalName" })
        {
            var left = unsupported.Where(a => !found.ContainsKey(a)).ToList();
            if (left.Count == 0)
            {
                break;
            }

            foreach (var (chunk, page) in await RunFiltersAsync([.. left.Select(a => (new[] { a }, $"{property} eq {ODataString(a)}"))], null, cancellationToken))
            {
                Match(chunk, page?.Value ?? [], found);
            }
        }

        return found;
    }

    /// <summary>
    /// Runs user $filter queries 20 to a Graph $batch. A part answering 400 comes back with a null page (the
    /// filter is not supported); any other failed part is asked again alone, through the retry pipeline.
    /// </summary>
    private async Task<List<(string[] Chunk, UserCollectionResponse? Page)>> RunFiltersAsync(
        IReadOnlyList<(string[] Chunk, string Filter)> queries, IProgress<int>? progress, CancellationToken cancellationToken)
    {
        var results = new List<(string[], UserCollectionResponse?)>(queries.Count);
        var done = 0;
        // Batches run side by side (the handler pipeline still holds the per-tenant concurrency limit), so
        // 10,000 addresses take a few round trips' time, not 34 in a row.
        var options = new ParallelOptions { MaxDegreeOfParallelism = ParallelBatches, CancellationToken = cancellationToken };
        await Parallel.ForEachAsync(queries.Chunk(RequestsPerBatch), options, async (batch, token) =>
        {
            var answered = await RunBatchAsync(batch, token);
            lock (results)
            {
                results.AddRange(answered);
                done += batch.Sum(q => q.Chunk.Length);
            }
            progress?.Report(Volatile.Read(ref done));
        });
        return results;
    }

    private async Task<List<(string[] Chunk, UserCollectionResponse? Page)>> RunBatchAsync(
        (string[] Chunk, string Filter)[] batch, CancellationToken cancellationToken)
    {
        var results = new List<(string[], UserCollectionResponse?)>(batch.Length);
        var content = new BatchRequestContentCollection(_graph, RequestsPerBatch);
        var steps = new List<(string Id, string[] Chunk, string Filter)>();
        foreach (var (chunk, filter) in batch)
        {
            var info = _graph.Users.ToGetRequestInformation(request => ConfigureFilter(request, filter));
            steps.Add((await content.AddBatchRequestStepAsync(info), chunk, filter));
        }

        var response = await CallAsync("User.Read.All", () => _graph.Batch.PostAsync(content, cancellationToken));
        var statuses = response is null ? [] : await response.GetResponsesStatusCodesAsync();
        foreach (var (id, chunk, filter) in steps)
        {
            statuses.TryGetValue(id, out var status);
            if (status == HttpStatusCode.OK)
            {
                results.Add((chunk, await response!.GetResponseByIdAsync<UserCollectionResponse>(id)));
            }
            else if (status == HttpStatusCode.BadRequest)
            {
                results.Add((chunk, null));
            }
            else
            {
                try
                {
                    results.Add((chunk, await CallAsync("User.Read.All", () => _graph.Users.GetAsync(r => ConfigureFilter(r, filter), cancellationToken))));
                }
                catch (DirectoryException ex) when (ex.Failure == DirectoryFailure.InvalidRequest)
                {
                    results.Add((chunk, null));
                }
            }
        }

        return results;
    }

    private static void ConfigureFilter(RequestConfiguration<Microsoft.Graph.Users.UsersRequestBuilder.UsersRequestBuilderGetQueryParameters> request, string filter)
    {
        request.QueryParameters.Filter = filter;
        request.QueryParameters.Select = UserFields;
        request.QueryParameters.Top = 999;
    }

    public async Task<DirectoryServicePrincipal?> GetServicePrincipalByAppIdAsync(string appId, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(appId);
        var sp = await CallAsync("Application.Read.All", () => _graph.ServicePrincipalsWithAppId(appId).GetAsync(
            r => r.QueryParameters.Select = ["id", "appId", "displayName"], cancellationToken));
        return sp?.Id is null ? null : new DirectoryServicePrincipal(sp.Id, sp.AppId, sp.DisplayName);
    }

    public async Task<IReadOnlyList<AppRoleGrant>> GetAppRoleGrantsAsync(string servicePrincipalId, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(servicePrincipalId);
        var grants = new List<AppRoleGrant>();
        var page = await CallAsync("Application.Read.All", () => _graph.ServicePrincipals[servicePrincipalId].AppRoleAssignments.GetAsync(cancellationToken: cancellationToken));
        while (page is not null)
        {
            foreach (var assignment in page.Value ?? [])
            {
                if (assignment.AppRoleId is { } roleId)
                {
                    grants.Add(new AppRoleGrant(roleId, assignment.ResourceId?.ToString(), assignment.ResourceDisplayName, assignment.Id));
                }
            }

            var next = page.OdataNextLink;
            page = next is null ? null : await CallAsync("Application.Read.All",
                () => _graph.ServicePrincipals[servicePrincipalId].AppRoleAssignments.WithUrl(next).GetAsync(cancellationToken: cancellationToken));
        }

        return grants;
    }

    public async Task<bool> RemoveAppRoleAssignmentAsync(string resourceServicePrincipalId, string assignmentId, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(resourceServicePrincipalId);
        ArgumentException.ThrowIfNullOrWhiteSpace(assignmentId);
        var removed = await CallAsync(IDirectoryClient.RemoveGrantPermission, async () =>
        {
            await _graph.ServicePrincipals[resourceServicePrincipalId].AppRoleAssignedTo[assignmentId].DeleteAsync(cancellationToken: cancellationToken);
            return (object?)true;
        });
        return removed is not null;
    }

    public async Task<IReadOnlyList<DirectoryDomain>> GetDomainsAsync(CancellationToken cancellationToken = default)
    {
        var page = await CallAsync("Domain.Read.All", () => _graph.Domains.GetAsync(cancellationToken: cancellationToken));
        return [.. (page?.Value ?? []).Where(d => d.Id is not null).Select(d => new DirectoryDomain(d.Id!, d.IsDefault ?? false, d.IsVerified ?? false))];
    }

    public async Task<DirectoryGroup?> GetGroupAsync(string groupId, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(groupId);
        var group = await CallAsync("Group.Read.All", () => _graph.Groups[groupId].GetAsync(
            r => r.QueryParameters.Select = ["id", "displayName", "mail", "mailEnabled", "securityEnabled", "groupTypes"], cancellationToken));
        return group?.Id is null ? null
            : new DirectoryGroup(group.Id, group.DisplayName, group.Mail, group.MailEnabled, group.SecurityEnabled, group.GroupTypes ?? []);
    }

    public async Task<IReadOnlyList<DirectoryMember>?> GetGroupMembersAsync(string groupId, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(groupId);
        var members = new List<DirectoryMember>();
        var page = await CallAsync("Group.Read.All", () => _graph.Groups[groupId].Members.GetAsync(
            r => r.QueryParameters.Top = 999, cancellationToken));
        if (page is null)
        {
            return null;
        }

        while (page is not null)
        {
            foreach (var member in page.Value ?? [])
            {
                if (member.Id is null)
                {
                    continue;
                }

                members.Add(member switch
                {
                    User u => new DirectoryMember(u.Id!, u.OdataType, u.DisplayName, u.Mail, u.UserPrincipalName),
                    Group g => new DirectoryMember(g.Id!, g.OdataType, g.DisplayName, g.Mail, null),
                    _ => new DirectoryMember(member.Id, member.OdataType, null, null, null),
                });
            }

            var next = page.OdataNextLink;
            page = next is null ? null : await CallAsync("Group.Read.All", () => _graph.Groups[groupId].Members.WithUrl(next).GetAsync(cancellationToken: cancellationToken));
        }

        return members;
    }

    /// <summary>Runs a Graph call: 404 becomes null, other errors a <see cref="DirectoryException"/> naming the permission.</summary>
    private async Task<T?> CallAsync<T>(string permission, Func<Task<T?>> call) where T : class
    {
        try
        {
            return await call();
        }
        catch (ApiException ex) when (ex.ResponseStatusCode == 404)
        {
            return null;
        }
        catch (ApiException ex)
        {
            var code = (ex as ODataError)?.Error?.Code;
            var message = (ex as ODataError)?.Error?.Message ?? ex.Message;
            _logger.LogWarning("Graph call needing {Permission} failed: HTTP {Status} {Code}", permission, ex.ResponseStatusCode, code);
            throw ex.ResponseStatusCode switch
            {
                401 or 403 => new DirectoryException(DirectoryFailure.PermissionMissing, message, Remedies.GraphPermission(permission), ex),
                429 => new DirectoryException(DirectoryFailure.Throttled, message, null, ex),
                400 => new DirectoryException(DirectoryFailure.InvalidRequest, message, null, ex),
                _ => new DirectoryException(DirectoryFailure.Unavailable, message, null, ex),
            };
        }
        catch (TenantTokenException ex)
        {
            throw new DirectoryException(DirectoryFailure.PermissionMissing, ex.Message, ex.Remedy, ex);
        }
        catch (HttpRequestException ex)
        {
            throw new DirectoryException(DirectoryFailure.Unavailable, $"Microsoft Graph unreachable: {ex.HttpRequestError}.", null, ex);
        }
        catch (Polly.Timeout.TimeoutRejectedException ex)
        {
            throw new DirectoryException(DirectoryFailure.Unavailable, "Microsoft Graph did not answer in time.", null, ex);
        }
    }

    /// <summary><c>property in ('a','b',…)</c>: as many child clauses as addresses, so at most <see cref="AddressesPerFilter"/>.</summary>
    internal static string InFilter(string property, IReadOnlyCollection<string> addresses) =>
        $"{property} in ({string.Join(",", addresses.Select(ODataString))})";

    /// <summary>An OData string literal: single quotes doubled, so an address cannot end the literal.</summary>
    internal static string ODataString(string value) => $"'{value.Replace("'", "''", StringComparison.Ordinal)}'";

    private static void Match(IEnumerable<string> wanted, IEnumerable<User> users, Dictionary<string, DirectoryUser> found)
    {
        var byAddress = new Dictionary<string, User>(StringComparer.OrdinalIgnoreCase);
        foreach (var user in users)
        {
            if (user.Mail is { } mail)
            {
                byAddress.TryAdd(mail, user);
            }

            if (user.UserPrincipalName is { } upn)
            {
                byAddress.TryAdd(upn, user);
            }
        }

        foreach (var address in wanted)
        {
            if (byAddress.TryGetValue(address, out var user) && user.Id is not null)
            {
                found[address] = ToUser(user);
            }
        }
    }

    private static DirectoryUser ToUser(User user) => new(user.Id ?? string.Empty, user.DisplayName, user.UserPrincipalName, user.Mail);
}
