using Acornima.Ast;
using Jint;

namespace Segment.Functions.JavaScript.Internal;

/// <summary>
/// A function's source, checked and prepared once (thread-safe, shared by every engine of the destination).
/// </summary>
/// <remarks>
/// The source runs inside a function, as the original runtime wraps it: top-level <c>var</c>, <c>let</c>,
/// <c>const</c> and functions are that function's locals (module state), assignments to undeclared names
/// create globals (sloppy mode), and a leading <c>'use strict'</c> is an ordinary expression statement,
/// not a directive, because the wrapper's own statement comes first.
/// </remarks>
internal sealed class ScriptSource
{
    public static readonly IReadOnlyList<string> HandlerNames =
        ["onTrack", "onIdentify", "onPage", "onScreen", "onGroup", "onAlias", "onDelete", "onBatch"];

    // On the source's first line, so line numbers in errors and stack traces are the author's.
    private const string Prefix = "(function () { void 0; ";

    private ScriptSource(Prepared<Script> prepared, IReadOnlyList<string> handlers, string fileName)
    {
        Prepared = prepared;
        Handlers = handlers;
        FileName = fileName;
    }

    public Prepared<Script> Prepared { get; }

    /// <summary>The handlers the source defines at its top level, in <see cref="HandlerNames"/> order.</summary>
    public IReadOnlyList<string> Handlers { get; }

    public string FileName { get; }

    public bool DefinesBatch => Handlers.Contains("onBatch");

    /// <summary>Parses and checks the source.</summary>
    /// <exception cref="JavaScriptSourceException">It does not parse, or uses a global this runtime lacks.</exception>
    public static ScriptSource Load(string source, string fileName)
    {
        ArgumentNullException.ThrowIfNull(source);
        var lookup = string.Join(" ", HandlerNames.Select(h => $"case '{h}': return typeof {h} === 'function' ? {h} : undefined;"));
        // The newline keeps a trailing line comment in the source from swallowing the wrapper's end.
        var wrapped = $"{Prefix}{source}\n;return function (name) {{ switch (name) {{ {lookup} }} }}; }})";
        Prepared<Script> prepared;
        try
        {
            prepared = Engine.PrepareScript(wrapped, fileName, strict: false, new ScriptPreparationOptions { CollectReferencedGlobals = true });
        }
        catch (Exception e) when (e is JintException or Acornima.ParseErrorException)
        {
            throw new JavaScriptSourceException($"The JavaScript source does not parse: {e.Message}. Fix the syntax (the original runtime would refuse it too).", [], e);
        }

        var unsupported = prepared.ReferencedGlobals!.Where(GlobalCatalog.Unsupported.ContainsKey).ToArray();
        if (unsupported.Length > 0)
        {
            var named = string.Join(", ", unsupported.Select(g => $"{g} ({GlobalCatalog.Unsupported[g]})"));
            throw new JavaScriptSourceException(
                $"The JavaScript source uses globals this runtime does not provide: {named}. Rewrite those parts with fetch, crypto and the other supported globals, or port the function to C#.",
                unsupported);
        }

        return new ScriptSource(prepared, FindHandlers(prepared.Program!), fileName);
    }

    // The wrapper is one expression statement holding the function expression; its body is the source.
    private static string[] FindHandlers(Script program)
    {
        var declared = new HashSet<string>(StringComparer.Ordinal);
        if (program.Body is [ExpressionStatement { Expression: FunctionExpression wrapper }])
        {
            foreach (var statement in wrapper.Body.Body)
            {
                switch (statement)
                {
                    case FunctionDeclaration { Id: { } id }:
                        declared.Add(id.Name);
                        break;
                    case VariableDeclaration variables:
                        foreach (var declarator in variables.Declarations)
                        {
                            if (declarator.Id is Identifier name)
                            {
                                declared.Add(name.Name);
                            }
                        }

                        break;
                    case ExpressionStatement { Expression: AssignmentExpression { Left: Identifier target } }:
                        declared.Add(target.Name);
                        break;
                }
            }
        }

        return HandlerNames.Where(declared.Contains).ToArray();
    }
}
