namespace Pulang.Workflows.Domain;

/// <summary>The two ministries whose sign-off releases a case.</summary>
public enum Ministry
{
    /// <summary>Kementerian Pelindungan Pekerja Migran Indonesia.</summary>
    KemenP2MI,
    /// <summary>Kementerian Sosial.</summary>
    Kemensos,
}

/// <summary>Route names of the ministries: <c>kemenp2mi</c>, <c>kemensos</c>.</summary>
public static class Ministries
{
    /// <summary>Parses the route segment (case-insensitive).</summary>
    public static bool TryParse(string? route, out Ministry ministry)
    {
        switch (route?.ToLowerInvariant())
        {
            case "kemenp2mi": ministry = Ministry.KemenP2MI; return true;
            case "kemensos": ministry = Ministry.Kemensos; return true;
            default: ministry = default; return false;
        }
    }
}
