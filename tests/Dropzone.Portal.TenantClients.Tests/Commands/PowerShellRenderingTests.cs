using System.Management.Automation.Language;

namespace Dropzone.Portal.TenantClients.Tests.Commands;

public class PowerShellRenderingTests
{
    [Fact]
    public void ToPowerShell_TypicalGroupCommand_RendersPasteableLine()
    {
        var command = ExchangeCommands.NewDistributionGroup(
            "Dropzone mailboxes", ["admin@contoso.com", "sec@contoso.com"], alias: "dropzone", members: ["soc@contoso.com"],
            requireSenderAuthenticationEnabled: true);

        Assert.Equal(
            "New-DistributionGroup -Name 'Dropzone mailboxes' -Alias 'dropzone' -Type 'Security' " +
            "-ManagedBy 'admin@contoso.com','sec@contoso.com' -Members @('soc@contoso.com') -RequireSenderAuthenticationEnabled:$true",
            command.ToPowerShell());
    }

    [Fact]
    public void ToPowerShell_SwitchesAndConfirm_RenderAsPowerShellSwitches()
    {
        var command = ExchangeCommands.RemoveDistributionGroupMember("g@contoso.com", "o'brien@contoso.com");

        Assert.Equal(
            "Remove-DistributionGroupMember -Identity 'g@contoso.com' -Member 'o''brien@contoso.com' -BypassSecurityGroupManagerCheck -Confirm:$false",
            command.ToPowerShell());
    }

    [Fact]
    public void ToPowerShell_AddRemoveHashtable_RendersAddAndRemoveKeys()
    {
        var command = ExchangeCommands.SetDistributionGroup("g", addOwners: ["a", "b"], removeOwners: ["c"]);

        Assert.Equal(
            "Set-DistributionGroup -Identity 'g' -ManagedBy @{Add='a','b'; Remove=@('c')} -BypassSecurityGroupManagerCheck",
            command.ToPowerShell());
    }

    [Theory]
    [InlineData("it's", "'it''s'")]
    [InlineData("\u2018x\u2019", "'\u2018\u2018x\u2019\u2019'")]
    [InlineData("\u201Ax\u201B", "'\u201A\u201Ax\u201B\u201B'")]
    [InlineData("$(Remove-Mailbox x)", "'$(Remove-Mailbox x)'")]
    [InlineData("", "''")]
    public void QuotePowerShell_Value_DoublesEverySingleQuoteKind(string value, string expected) =>
        Assert.Equal(expected, ExchangeCommand.QuotePowerShell(value));

    [Fact]
    public void ToPowerShell_StopParsingTokenAsValue_IsParenthesised()
    {
        var command = ExchangeCommands.GetRecipient("--%");
        Assert.Equal("Get-Recipient -Identity ('--%')", command.ToPowerShell());
        AssertOneLiteralCommand(command, ("Identity", ["--%"]));
    }

    [Fact]
    public void ToPowerShell_TypographicQuoteBreakout_StaysOneLiteral()
    {
        // Without doubling ’ PowerShell would end the literal there and run the rest.
        var value = "x\u2019; Remove-Mailbox -Identity ceo; \u2018";
        AssertOneLiteralCommand(ExchangeCommands.GetRecipient(value), ("Identity", [value]));
    }

    // ---- property test -------------------------------------------------------------------------

    private static readonly string[] HostileFragments =
    [
        "'", "''", "\u2018", "\u2019", "\u201A", "\u201B", "\"", "\u201C", "\u201D", "`", "``", "`'", "$", "$(", ")", "$x", "${x}",
        "$(Get-Date)", "@(", "@{", "}", "{", ";", "|", "&", "&&", "||", ">", "<", "\n", "\r", "\r\n", "#", "<#", "#>", "@'", "'@",
        "--%", "-Confirm", ":", ",", " ", "\t", "\0", "\u00A0", "\u2028", "\u200B", "é", "ß", "漢", "\U0001F600", "\\", "%", "*",
        "a", "Z", "9", "ann@contoso.com", "CN=x,OU=y",
    ];

    private static readonly Gen<string> HostileString =
        Gen.OneOf(
                Gen.OneOf(HostileFragments),
                Gen.Char.Select(c => c.ToString()))
            .Array[0, 12]
            .Select(parts => string.Concat(parts));

    [Fact]
    public void ToPowerShell_HostileStrings_ParseAsExactlyTheGivenLiterals()
    {
        var gen = Gen.Select(HostileString, HostileString.Array[1, 3], HostileString.Array[0, 2], HostileString.Array[1, 2]);
        gen.Sample((text, list, add, remove) =>
        {
            var command = ExchangeCommand.Create("Set-DistributionGroup")
                .With("Identity", text)
                .WithList("Members", list)
                .WithAddRemove("ManagedBy", add, remove)
                .WithSwitch("BypassSecurityGroupManagerCheck")
                .WithSwitch("Confirm", false);
            AssertOneLiteralCommand(command, ("Identity", [text]), ("Members", list));
            AssertAddRemove(command, add, remove);
        }, iter: 10_000, threads: 1, seed: Environment.GetEnvironmentVariable("PS_SEED"));
    }

    /// <summary>Parses the rendering with PowerShell's own parser and checks it is one command of literals.</summary>
    private static CommandAst ParseSingleCommand(ExchangeCommand command)
    {
        var script = command.ToPowerShell();
        var ast = Parser.ParseInput(script, out _, out var errors);
        Assert.True(errors.Length == 0, $"parse errors: {string.Join("; ", errors.Select(e => e.Message))} in <{script}> codes {string.Join(" ", script.Where(c => c > 126 || c < 32).Select(c => ((int)c).ToString("X4")))}");
        var statement = Assert.Single(ast.EndBlock.Statements);
        var pipeline = Assert.IsType<PipelineAst>(statement);
        var commandAst = Assert.IsType<CommandAst>(Assert.Single(pipeline.PipelineElements));
        Assert.Equal(command.CmdletName, commandAst.GetCommandName());
        Assert.Null(ast.BeginBlock);
        Assert.Null(ast.ProcessBlock);
        return commandAst;
    }

    private static void AssertOneLiteralCommand(ExchangeCommand command, params (string Name, IReadOnlyList<string> Values)[] expected)
    {
        var commandAst = ParseSingleCommand(command);
        var elements = commandAst.CommandElements;
        var names = elements.OfType<CommandParameterAst>().Select(p => p.ParameterName).ToList();
        Assert.Equal(command.Parameters.Select(p => p.Name), names);

        foreach (var (name, values) in expected)
        {
            var index = elements.ToList().FindIndex(e => e is CommandParameterAst p && p.ParameterName == name);
            var argument = elements[index + 1];
            var isList = command[name] is ExchangeParameterValue.TextList;
            Assert.Equal(values, isList ? ListLiterals(argument) : [ArgumentLiteral(argument)]);
        }

        // Every element is a parameter name, a literal, a literal list, a hashtable of literal lists, or $false.
        foreach (var element in elements.Skip(1))
        {
            Assert.True(element is CommandParameterAst or StringConstantExpressionAst or ParenExpressionAst or ArrayLiteralAst or ArrayExpressionAst or HashtableAst,
                $"unexpected {element.GetType().Name}: {element}");
        }
    }

    private static void AssertAddRemove(ExchangeCommand command, IReadOnlyList<string> add, IReadOnlyList<string> remove)
    {
        var elements = ParseSingleCommand(command).CommandElements.ToList();
        var index = elements.FindIndex(e => e is CommandParameterAst p && p.ParameterName == "ManagedBy");
        var hashtable = Assert.IsType<HashtableAst>(elements[index + 1]);
        var pairs = hashtable.KeyValuePairs.ToDictionary(
            p => Assert.IsType<StringConstantExpressionAst>(p.Item1).Value,
            p => ListLiterals(Assert.IsType<CommandExpressionAst>(Assert.Single(Assert.IsType<PipelineAst>(p.Item2).PipelineElements)).Expression));
        Assert.Equal(add.Count > 0, pairs.ContainsKey("Add"));
        Assert.Equal(remove.Count > 0, pairs.ContainsKey("Remove"));
        if (add.Count > 0)
        {
            Assert.Equal(add, pairs["Add"]);
        }

        if (remove.Count > 0)
        {
            Assert.Equal(remove, pairs["Remove"]);
        }

        var confirm = elements.OfType<CommandParameterAst>().Single(p => p.ParameterName == "Confirm");
        Assert.Equal("$false", confirm.Argument?.Extent.Text);
    }

    private static string ArgumentLiteral(Ast ast) =>
        ast is ParenExpressionAst paren
            ? SingleLiteral(Assert.IsType<CommandExpressionAst>(Assert.Single(Assert.IsType<PipelineAst>(paren.Pipeline).PipelineElements)).Expression)
            : SingleLiteral(ast);

    private static string SingleLiteral(Ast ast)
    {
        var literal = Assert.IsType<StringConstantExpressionAst>(ast);
        Assert.Equal(StringConstantType.SingleQuoted, literal.StringConstantType);
        return literal.Value;
    }

    private static IReadOnlyList<string> ListLiterals(Ast ast) => ast switch
    {
        ArrayLiteralAst array => [.. array.Elements.Select(ArgumentLiteral)],
        ArrayExpressionAst expression => expression.SubExpression.Statements.Count == 0
            ? []
            : [ArgumentLiteral(Assert.IsType<CommandExpressionAst>(
                Assert.Single(Assert.IsType<PipelineAst>(Assert.Single(expression.SubExpression.Statements)).PipelineElements)).Expression)],
        _ => throw new Xunit.Sdk.XunitException($"not a literal list: {ast.GetType().Name} {ast}"),
    };
}
