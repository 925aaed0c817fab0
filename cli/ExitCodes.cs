namespace Pulang.Cli;

/// <summary>What the CLI's exit code says failed (also in <c>pulang --help</c> and docs/cli.md).</summary>
public static class ExitCodes
{
    /// <summary>Everything done.</summary>
    public const int Ok = 0;
    /// <summary>The command line itself is wrong (System.CommandLine's parse errors).</summary>
    public const int Usage = 1;
    /// <summary>Bad local input (folder, file, mapping file): nothing was sent.</summary>
    public const int BadInput = 2;
    /// <summary>Not signed in, token expired or refused (401), or a role is missing (403).</summary>
    public const int Auth = 3;
    /// <summary>A case, external reference or manifest the service does not know.</summary>
    public const int NotFound = 4;
    /// <summary>The service refused some items (4xx): the others were done.</summary>
    public const int Refused = 5;
    /// <summary>The service could not be reached or failed (5xx, timeout) after retries.</summary>
    public const int Unavailable = 6;
    /// <summary>A release letter that does not verify.</summary>
    public const int LetterInvalid = 7;

    /// <summary>One line per code, for help texts.</summary>
    public const string Help = "Exit codes: 0 ok, 1 usage, 2 bad local input (nothing sent), 3 not signed in / not allowed, 4 not found, 5 some items refused by the service, 6 service unreachable or failing, 7 release letter does not verify.";
}

/// <summary>A failure with its exit code and one line for people (Indonesian first).</summary>
public sealed class CliException(int exitCode, string message) : Exception(message)
{
    /// <summary>The process exit code (<see cref="ExitCodes"/>).</summary>
    public int ExitCode { get; } = exitCode;
}
