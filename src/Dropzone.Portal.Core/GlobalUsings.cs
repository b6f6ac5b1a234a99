// The namespaces nearly every feature of the domain uses; the rest are imported where they are used.
global using Dropzone.Portal.Core.Data;
global using Dropzone.Portal.Core.Groups;
global using Microsoft.EntityFrameworkCore;
