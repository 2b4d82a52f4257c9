namespace ChargeLedger.System.Tests;

/// <summary>Each whole-system test starts five processes; on two cores they run one after the other to stay reliable.</summary>
[CollectionDefinition(Name)]
public sealed class SystemCollection
{
    public const string Name = "Whole system";
}
