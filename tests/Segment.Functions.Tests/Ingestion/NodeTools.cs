using System.Diagnostics;

namespace Segment.Functions.Tests.Ingestion;

/// <summary>
/// Node.js and npm packages for the tests that run real SDKs. Packages are installed with npm
/// into artifacts/node when missing (./test.sh installs them beforehand); a missing Node.js fails
/// the test with a message saying how to install it.
/// </summary>
internal static class NodeTools
{
    public static string RepositoryRoot => Path.GetFullPath(typeof(NodeTools).Assembly
        .GetCustomAttributes(typeof(System.Reflection.AssemblyMetadataAttribute), false)
        .Cast<System.Reflection.AssemblyMetadataAttribute>().First(a => a.Key == "RepositoryRoot").Value!);

    public static string NodeFolder => Path.Combine(RepositoryRoot, "artifacts", "node");

    public static string NodeModules => Path.Combine(NodeFolder, "node_modules");

    /// <summary>A script of this folder.</summary>
    public static string Script(string name) => Path.Combine(RepositoryRoot, "tests", "Segment.Functions.Tests", "Ingestion", name);

    /// <summary>Fails the test when Node.js is missing; installs the package into artifacts/node when it is not there.</summary>
    public static async Task EnsurePackageAsync(string package, string version)
    {
        try
        {
            var (exit, _) = await RunAsync("node", ["--version"]);
            Assert.That(exit, Is.Zero, "node --version failed");
        }
        catch (System.ComponentModel.Win32Exception)
        {
            Assert.Fail($"Node.js is not installed (no `node` on PATH). This test runs the real {package} SDK; run ./test.sh, which installs it, or install Node.js 18 or later (e.g. apt-get install nodejs npm).");
        }

        if (File.Exists(Path.Combine(NodeModules, package, "package.json")))
        {
            return;
        }

        Directory.CreateDirectory(NodeFolder);
        var (code, output) = await RunAsync("npm", ["install", "--prefix", NodeFolder, "--no-audit", "--no-fund", $"{package}@{version}"]);
        Assert.That(code, Is.Zero, $"npm could not install {package}@{version} into {NodeFolder}:\n{output}");
    }

    /// <summary>Runs a script of this folder with node, NODE_PATH reaching artifacts/node.</summary>
    public static Task<(int ExitCode, string Output)> RunScriptAsync(string script, params string[] arguments) =>
        RunAsync("node", [Script(script), .. arguments], new Dictionary<string, string> { ["NODE_PATH"] = NodeModules });

    public static async Task<(int ExitCode, string Output)> RunAsync(string file, IEnumerable<string> arguments, IDictionary<string, string>? environment = null)
    {
        var start = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        foreach (var (name, value) in environment ?? new Dictionary<string, string>())
        {
            start.Environment[name] = value;
        }

        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        // Real time on purpose: an outside process, bounded so a hang fails the test.
        try
        {
            await process.WaitForExitAsync().WaitAsync(TimeSpan.FromMinutes(5));
        }
        catch (TimeoutException)
        {
            process.Kill(entireProcessTree: true);
            throw;
        }

        return (process.ExitCode, await stdout + await stderr);
    }
}
