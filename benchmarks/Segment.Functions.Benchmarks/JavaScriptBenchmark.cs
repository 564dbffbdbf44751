using System.Net;
using System.Net.Http.Json;
using BenchmarkDotNet.Attributes;
using Segment.Functions.JavaScript;
using Segment.Functions.Testing;

namespace Segment.Functions.Benchmarks;

/// <summary>
/// One track event through the harness (the host's invoker: capture, timeout, outcome) into an
/// <c>onTrack</c> that posts the event as JSON and checks the status, against a fake HTTP handler that
/// answers 200 without any network: the C# function (baseline) and the same function in JavaScript on
/// Jint (<see cref="JavaScriptFunction"/>, one warm engine).
/// </summary>
[MemoryDiagnoser]
public class JavaScriptBenchmark
{
    private const string Endpoint = "https://api.acme.test/v1/events";

    private const string Source = """
        async function onTrack(event, settings) {
          let res;
          try {
            res = await fetch(settings.endpoint, {
              method: 'POST',
              headers: { 'Content-Type': 'application/json' },
              body: JSON.stringify({ event_name: event.event, event_properties: event.properties, timestamp: event.timestamp })
            });
          } catch (err) {
            throw new RetryError(err.message);
          }
          if (res.status >= 500 || res.status === 429) {
            throw new RetryError(`HTTP Status ${res.status}`);
          }
        }
        """;

    private readonly TrackEvent _event = SampleEvents.Track();
    private FunctionHarness<ForwarderFunction> _csharp = null!;
    private FunctionHarness<JavaScriptFunction> _javaScript = null!;

    [GlobalSetup]
    public void Setup()
    {
        var settings = new FunctionSettings().Set("endpoint", Endpoint);
        _csharp = new FunctionHarness<ForwarderFunction>(settings);
        _csharp.Http.On(HttpMethod.Post, Endpoint).Respond(HttpStatusCode.OK);
        _javaScript = new FunctionHarness<JavaScriptFunction>(settings, JavaScriptFunction.Factory(Source));
        _javaScript.Http.On(HttpMethod.Post, Endpoint).Respond(HttpStatusCode.OK);
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _csharp.Dispose();
        _javaScript.Dispose();
    }

    [Benchmark(Baseline = true)]
    public async Task<OutcomeKind> CSharp() => (await _csharp.RunAsync(_event).ConfigureAwait(false)).Outcome;

    [Benchmark]
    public async Task<OutcomeKind> JavaScript() => (await _javaScript.RunAsync(_event).ConfigureAwait(false)).Outcome;

    /// <summary>The JavaScript function, written in C#.</summary>
    public sealed class ForwarderFunction : DestinationFunction
    {
        public override async Task OnTrack(TrackEvent @event, FunctionSettings settings, CancellationToken cancellationToken)
        {
            HttpResponseMessage response;
            try
            {
                response = await Http.PostAsJsonAsync(settings.GetRequiredString("endpoint"),
                    new { event_name = @event.Event, event_properties = @event.Properties, timestamp = @event.Timestamp }, cancellationToken).ConfigureAwait(false);
            }
            catch (HttpRequestException e)
            {
                throw new RetryError(e.Message);
            }

            using (response)
            {
                if ((int)response.StatusCode >= 500 || response.StatusCode == HttpStatusCode.TooManyRequests)
                {
                    throw new RetryError($"HTTP Status {(int)response.StatusCode}");
                }
            }
        }
    }
}
