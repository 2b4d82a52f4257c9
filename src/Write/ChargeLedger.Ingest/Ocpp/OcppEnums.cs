namespace ChargeLedger.Ingest.Ocpp;

/// <summary>OCPP 1.6 enumerations (exact strings) the request schemas restrict values to.</summary>
internal static class OcppEnums
{
    public static readonly IReadOnlySet<string> ChargePointStatus = Set(
        "Available", "Preparing", "Charging", "SuspendedEVSE", "SuspendedEV", "Finishing", "Reserved", "Unavailable", "Faulted");

    public static readonly IReadOnlySet<string> ChargePointErrorCode = Set(
        "ConnectorLockFailure", "EVCommunicationError", "GroundFailure", "HighTemperature", "InternalError", "LocalListConflict",
        "NoError", "OtherError", "OverCurrentFailure", "PowerMeterFailure", "PowerSwitchFailure", "ReaderFailure", "ResetFailure",
        "UnderVoltage", "OverVoltage", "WeakSignal");

    public static readonly IReadOnlySet<string> StopReason = Set(
        "EmergencyStop", "EVDisconnected", "HardReset", "Local", "Other", "PowerLoss", "Reboot", "Remote", "SoftReset", "UnlockCommand", "DeAuthorized");

    public static readonly IReadOnlySet<string> FirmwareStatus = Set(
        "Downloaded", "DownloadFailed", "Downloading", "Idle", "InstallationFailed", "Installing", "Installed");

    public static readonly IReadOnlySet<string> DiagnosticsStatus = Set("Idle", "Uploaded", "UploadFailed", "Uploading");

    public static readonly IReadOnlySet<string> Measurand = Set(
        "Energy.Active.Export.Register", "Energy.Active.Import.Register", "Energy.Reactive.Export.Register", "Energy.Reactive.Import.Register",
        "Energy.Active.Export.Interval", "Energy.Active.Import.Interval", "Energy.Reactive.Export.Interval", "Energy.Reactive.Import.Interval",
        "Power.Active.Export", "Power.Active.Import", "Power.Offered", "Power.Reactive.Export", "Power.Reactive.Import", "Power.Factor",
        "Current.Import", "Current.Export", "Current.Offered", "Voltage", "Frequency", "Temperature", "SoC", "RPM");

    public static readonly IReadOnlySet<string> ReadingContext = Set(
        "Interruption.Begin", "Interruption.End", "Sample.Clock", "Sample.Periodic", "Transaction.Begin", "Transaction.End", "Trigger", "Other");

    /// <summary>Both "Celcius" (the original schema typo) and "Celsius" (errata) are accepted.</summary>
    public static readonly IReadOnlySet<string> UnitOfMeasure = Set(
        "Wh", "kWh", "varh", "kvarh", "W", "kW", "VA", "kVA", "var", "kvar", "A", "V", "K", "Celcius", "Celsius", "Fahrenheit", "Percent");

    public static readonly IReadOnlySet<string> Phase = Set("L1", "L2", "L3", "N", "L1-N", "L2-N", "L3-N", "L1-L2", "L2-L3", "L3-L1");

    public static readonly IReadOnlySet<string> Location = Set("Cable", "EV", "Inlet", "Outlet", "Body");

    public static readonly IReadOnlySet<string> ValueFormat = Set("Raw", "SignedData");

    public static IReadOnlySet<string> Set(params string[] values) => values.ToHashSet(StringComparer.Ordinal);
}
