using ArchUnitNET.Domain;
using ArchUnitNET.Loader;
using ArchUnitNET.xUnitV3;
using Pulang.Workflows.Domain;
using static ArchUnitNET.Fluent.Slices.SliceRuleDefinition;

namespace Pulang.Tests.Layering;

/// <summary>
/// The namespaces under <c>Pulang.Workflows</c> (Ocr, Documents, Domain, Storage, Audit, Events, Cases, Orchestrations, Http, ...)
/// depend on each other without a cycle. Read from the compiled types of Pulang.Workflows.dll (ArchUnitNET), so a
/// parent-namespace shortcut (<c>Domain.Stage</c> inside <c>Pulang.Workflows.Telemetry</c>) or a fully qualified name counts
/// like a <c>using</c>. <c>Pulang.Workflows</c> itself is no slice: it holds the composition root (PulangServices,
/// WorkflowRegistry), which names every namespace, and the basics every namespace uses (PulangJson, PulangOptions, InputText).
/// </summary>
public class NamespaceCycleTests
{
    static readonly Architecture Workflows = new ArchLoader().LoadAssemblies(typeof(Decider).Assembly).Build();

    [Fact]
    public void The_workflows_namespaces_have_no_cycle() =>
        Slices().Matching("Pulang.Workflows.(*)..").Should().BeFreeOfCycles().Check(Workflows);
}
