using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace ChargeLedger.Gateway.Security;

/// <summary>One charge point's stored password: PBKDF2-SHA256 with its own salt.</summary>
public sealed record StoredCredential(
    [property: JsonPropertyName("salt")] string Salt,
    [property: JsonPropertyName("hash")] string Hash,
    [property: JsonPropertyName("iterations")] int Iterations,
    [property: JsonPropertyName("updatedAt")] DateTimeOffset UpdatedAt);

/// <summary>
/// Charge point passwords in a JSON file (identity → <see cref="StoredCredential"/>), written atomically by the CLI and
/// re-read by the gateway when the file changes, so a password set while the gateway runs applies to the next connection.
/// </summary>
public sealed class CredentialStore
{
    public const int DefaultIterations = 100_000;
    private const int SaltBytes = 16;
    private const int HashBytes = 32;

    private readonly string _path;
    private readonly Lock _gate = new();
    private Dictionary<string, StoredCredential> _entries = new(StringComparer.Ordinal);
    private DateTime _loadedWriteTime = DateTime.MinValue;

    public CredentialStore(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        _path = Path.GetFullPath(path);
    }

    public string FilePath => _path;

    public bool Has(string chargePointId) => Current().ContainsKey(chargePointId);

    public IReadOnlyCollection<string> List() => Current().Keys.Order(StringComparer.Ordinal).ToArray();

    /// <summary>Constant-time comparison of the PBKDF2 hash; false for an unknown identity.</summary>
    public bool Verify(string chargePointId, string password)
    {
        if (!Current().TryGetValue(chargePointId, out var entry))
        {
            return false;
        }
        var expected = Convert.FromBase64String(entry.Hash);
        var actual = Rfc2898DeriveBytes.Pbkdf2(Encoding.UTF8.GetBytes(password), Convert.FromBase64String(entry.Salt), entry.Iterations, HashAlgorithmName.SHA256, expected.Length);
        return CryptographicOperations.FixedTimeEquals(actual, expected);
    }

    public void Set(string chargePointId, string password, int iterations = DefaultIterations)
    {
        ArgumentException.ThrowIfNullOrEmpty(password);
        var salt = RandomNumberGenerator.GetBytes(SaltBytes);
        var hash = Rfc2898DeriveBytes.Pbkdf2(Encoding.UTF8.GetBytes(password), salt, iterations, HashAlgorithmName.SHA256, HashBytes);
        Update(entries => entries[chargePointId] = new StoredCredential(Convert.ToBase64String(salt), Convert.ToBase64String(hash), iterations, DateTimeOffset.UtcNow));
    }

    public bool Remove(string chargePointId)
    {
        var removed = false;
        Update(entries => removed = entries.Remove(chargePointId));
        return removed;
    }

    private void Update(Action<Dictionary<string, StoredCredential>> change)
    {
        lock (_gate)
        {
            var entries = new Dictionary<string, StoredCredential>(Load(), StringComparer.Ordinal);
            change(entries);
            Directory.CreateDirectory(Path.GetDirectoryName(_path)!);
            var temporary = _path + ".tmp";
            File.WriteAllBytes(temporary, JsonSerializer.SerializeToUtf8Bytes(new SortedDictionary<string, StoredCredential>(entries, StringComparer.Ordinal), JsonOptions));
            File.Move(temporary, _path, overwrite: true);
            _entries = entries;
            _loadedWriteTime = File.GetLastWriteTimeUtc(_path);
        }
    }

    private Dictionary<string, StoredCredential> Current()
    {
        lock (_gate)
        {
            var writeTime = File.Exists(_path) ? File.GetLastWriteTimeUtc(_path) : DateTime.MinValue;
            if (writeTime != _loadedWriteTime)
            {
                _entries = Load();
                _loadedWriteTime = writeTime;
            }
            return _entries;
        }
    }

    private Dictionary<string, StoredCredential> Load() =>
        File.Exists(_path)
            ? new Dictionary<string, StoredCredential>(
                JsonSerializer.Deserialize<Dictionary<string, StoredCredential>>(File.ReadAllBytes(_path), JsonOptions) ?? [], StringComparer.Ordinal)
            : new Dictionary<string, StoredCredential>(StringComparer.Ordinal);

    private static readonly JsonSerializerOptions JsonOptions = new() { WriteIndented = true };
}
