using System.Reflection;
using System.Text.RegularExpressions;

namespace Segment.Functions.Tests.Quickstart;

/// <summary>
/// Every README code block marked <c>&lt;!-- snippet: path --&gt;</c> must equal that file, which the
/// build compiles: so the README's code compiles as written, and a drift fails here.
/// </summary>
public sealed partial class ReadmeSnippetTests
{
    private static string RepositoryRoot => typeof(ReadmeSnippetTests).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
        .First(a => a.Key == "RepositoryRoot").Value!;

    public static IEnumerable<TestCaseData> Snippets()
    {
        var readme = File.ReadAllText(Path.Combine(RepositoryRoot, "README.md"));
        foreach (Match match in SnippetPattern().Matches(readme))
        {
            yield return new TestCaseData(match.Groups["path"].Value, match.Groups["code"].Value).SetArgDisplayNames(match.Groups["path"].Value);
        }
    }

    [Test]
    public void Readme_HasSnippets()
    {
        Assert.That(Snippets().Count(), Is.GreaterThanOrEqualTo(2));
    }

    [TestCaseSource(nameof(Snippets))]
    public void Readme_Snippet_EqualsTheCompiledFile(string path, string code)
    {
        var file = File.ReadAllText(Path.Combine(RepositoryRoot, path));
        Assert.That(Normalize(code), Is.EqualTo(Normalize(file)), $"README.md's block for {path} drifted from the file; copy the file into the README.");
    }

    private static string Normalize(string text) => text.Replace("\r\n", "\n", StringComparison.Ordinal).Trim();

    [GeneratedRegex(@"<!-- snippet: (?<path>[^ ]+) -->\s*```csharp\n(?<code>.*?)```", RegexOptions.Singleline)]
    private static partial Regex SnippetPattern();
}
