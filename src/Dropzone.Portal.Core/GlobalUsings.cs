// The namespaces nearly every feature of the domain uses: its data, groups, audit and setup, and the tenant
// clients it works through. The rest are imported where they are used.
global using Dropzone.Portal.Core.Audit;
global using Dropzone.Portal.Core.Data;
global using Dropzone.Portal.Core.Groups;
global using Dropzone.Portal.Core.Setup;
global using Dropzone.Portal.TenantClients.Commands;
global using Dropzone.Portal.TenantClients.Exchange;
global using Dropzone.Portal.TenantClients.Graph;
global using Microsoft.EntityFrameworkCore;
global using Microsoft.Extensions.Logging;
global using Microsoft.Extensions.Options;
