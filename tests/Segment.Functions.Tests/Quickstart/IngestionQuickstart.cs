using Acme;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Segment.Functions.AspNetCore;
using Segment.Functions;

public static class IngestionQuickstart
{
    public static WebApplication Build(string[] args)
    {
        var builder = WebApplication.CreateBuilder(args);
        builder.Services.AddSegmentFunctions()
            .AddDestination<AcmeFunction, AcmeSettings>("Acme", builder.Configuration.GetSection("Destinations:Acme"))
            .AddIngestion(o => o.WriteKeys.Add(new IngestionWriteKey { Key = "my-write-key" }));

        var app = builder.Build();
        app.MapSegmentIngestion(); // POST /v1/identify|track|page|screen|group|alias|batch|import, and /v1/i … /v1/b
        return app;
    }
}
