using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;

namespace Segment.Functions.PostgreSql.Tests.Durability;

/// <summary>
/// The crash host (tests/Segment.Functions.PostgreSql.CrashHost) as a separate process: started with
/// <c>dotnet crash-host/…dll</c> from the tests' output folder (the build copies it there), ready once it
/// prints <c>ready &lt;url&gt;</c>, killed with SIGKILL (<see cref="Process.Kill()"/> on Linux) or stopped
/// with SIGTERM (what a deploy or <c>docker stop</c> sends). Its
/// output is kept, to show in a failure message.
/// </summary>
internal sealed class CrashHostProcess : IDisposable
{
    /// <summary>The write key the host accepts.</summary>
    public const string WriteKey = "crash-test-key";

    private const string AssemblyName = "Segment.Functions.PostgreSql.CrashHost.dll";
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(60);

    private readonly Process _process;
    private readonly Queue<string> _output = new();
    private readonly TaskCompletionSource<string> _ready = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private CrashHostProcess(Process process, string instanceId)
    {
        _process = process;
        InstanceId = instanceId;
    }

    /// <summary>The instance id the host holds its leases under.</summary>
    public string InstanceId { get; }

    /// <summary>The ingestion endpoint's base URL.</summary>
    public Uri BaseUrl { get; private set; } = null!;

    /// <summary>Whether the process has ended (killed, or crashed by itself).</summary>
    public bool HasExited => _process.HasExited;

    /// <summary>Starts a host on a free loopback port and waits until it listens.</summary>
    /// <param name="connectionString">The database it delivers from.</param>
    /// <param name="downstream">The fake downstream's base URL.</param>
    /// <param name="instanceId">The name it holds its leases under.</param>
    /// <param name="commitLinger">How long a group commit waits for more events; the host's default when null.</param>
    /// <param name="cancellationToken">Stops waiting (the process is killed).</param>
    public static async Task<CrashHostProcess> StartAsync(string connectionString, string downstream, string instanceId, TimeSpan? commitLinger, CancellationToken cancellationToken)
    {
        var assembly = Path.Combine(AppContext.BaseDirectory, "crash-host", AssemblyName);
        if (!File.Exists(assembly))
        {
            throw new InvalidOperationException($"{assembly} is missing: build tests/Segment.Functions.PostgreSql.Tests, which builds the crash host and copies it there.");
        }

        // The SDK tells child processes which dotnet runs them; outside the SDK, the one on the PATH.
        var start = new ProcessStartInfo(Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } dotnet ? dotnet : "dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(assembly);
        string[] arguments = ["--postgres", connectionString, "--urls", "http://127.0.0.1:0", "--downstream", downstream, "--instance", instanceId, "--write-key", WriteKey];
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        if (commitLinger is { } linger)
        {
            start.ArgumentList.Add("--commit-linger");
            start.ArgumentList.Add(((int)linger.TotalMilliseconds).ToString(CultureInfo.InvariantCulture));
        }

        var process = new Process { StartInfo = start, EnableRaisingEvents = true };
        var host = new CrashHostProcess(process, instanceId);
        process.OutputDataReceived += (_, line) => host.OnOutput(line.Data, isError: false);
        process.ErrorDataReceived += (_, line) => host.OnOutput(line.Data, isError: true);
        process.Exited += (_, _) => host._ready.TrySetException(new InvalidOperationException($"The crash host {instanceId} exited with code {process.ExitCode} before it was ready.\n{host.Output}"));
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        try
        {
            var url = await host._ready.Task.WaitAsync(StartTimeout, cancellationToken);
            host.BaseUrl = new Uri(url);
            return host;
        }
        catch (TimeoutException)
        {
            host.Dispose();
            throw new TimeoutException($"The crash host {instanceId} did not print \"ready\" within {StartTimeout}.\n{host.Output}");
        }
        catch
        {
            host.Dispose();
            throw;
        }
    }

    /// <summary>The last lines it wrote (stdout and stderr).</summary>
    public string Output
    {
        get
        {
            lock (_output)
            {
                return string.Join('\n', _output);
            }
        }
    }

    /// <summary>Kills it with SIGKILL (no shutdown of any kind) and waits until it is gone.</summary>
    public void Kill()
    {
        if (!_process.HasExited)
        {
            _process.Kill();
        }

        if (!_process.WaitForExit(TimeSpan.FromSeconds(30)))
        {
            throw new TimeoutException($"The crash host {InstanceId} (pid {_process.Id}) did not exit within 30 s of SIGKILL.");
        }
    }

    /// <summary>Sends SIGTERM (the host's graceful stop) and waits until it exits; returns its exit code.</summary>
    /// <param name="timeout">How long the stop may take.</param>
    public int Terminate(TimeSpan timeout)
    {
        if (SendSignal(_process.Id, SigTerm) != 0)
        {
            throw new InvalidOperationException($"SIGTERM to the crash host {InstanceId} (pid {_process.Id}) failed with errno {Marshal.GetLastPInvokeError()}.");
        }

        if (!_process.WaitForExit(timeout))
        {
            throw new TimeoutException($"The crash host {InstanceId} did not exit within {timeout} of SIGTERM.\n{Output}");
        }

        return _process.ExitCode;
    }

    public void Dispose()
    {
        try
        {
            Kill();
        }
        catch (InvalidOperationException)
        {
            // It never started.
        }

        _process.Dispose();
    }

    private const int SigTerm = 15;

    // .NET can send SIGKILL (Process.Kill) but not SIGTERM: libc's kill(2).
    [DllImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static extern int SendSignal(int pid, int signal);

    private void OnOutput(string? line, bool isError)
    {
        if (line is null)
        {
            return;
        }

        if (!isError && line.StartsWith("ready ", StringComparison.Ordinal))
        {
            _ready.TrySetResult(line["ready ".Length..].Trim());
        }

        lock (_output)
        {
            _output.Enqueue(isError ? "! " + line : line);
            if (_output.Count > 200)
            {
                _output.Dequeue();
            }
        }
    }
}
