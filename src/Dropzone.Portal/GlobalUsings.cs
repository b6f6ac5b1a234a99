// The host's own feature namespaces (what PortalHost composes) and the domain namespaces nearly every
// feature uses; the rest are imported where they are used.
global using Dropzone.Portal.Core.Audit;
global using Dropzone.Portal.Core.Data;
global using Dropzone.Portal.Core.Security;
global using Dropzone.Portal.Core.Setup;
global using Dropzone.Portal.Data;
global using Dropzone.Portal.Features.Access;
global using Dropzone.Portal.Features.Audit;
global using Dropzone.Portal.Features.Groups;
global using Dropzone.Portal.Features.Home;
global using Dropzone.Portal.Features.Requests;
global using Dropzone.Portal.Features.Runs;
global using Dropzone.Portal.Features.Setup;
global using Dropzone.Portal.Health;
global using Dropzone.Portal.Jobs;
global using Dropzone.Portal.Logging;
global using Dropzone.Portal.Security;
global using Dropzone.Portal.Telemetry;
global using Dropzone.Portal.Tenant;
global using Microsoft.AspNetCore.Authorization;
global using Microsoft.EntityFrameworkCore;
