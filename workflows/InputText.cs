namespace Pulang.Workflows;

/// <summary>Caller input echoed back in a message (a refusal, a problem detail).</summary>
public static class InputText
{
    /// <summary>Cuts <paramref name="value"/> to its first 64 printable characters, with <c>...</c> when it was longer; empty for null.</summary>
    public static string Shorten(string? value)
    {
        var s = new string((value ?? "").Where(c => !char.IsControl(c)).Take(64).ToArray());
        return (value?.Length ?? 0) > 64 ? s + "..." : s;
    }
}
