namespace Pulang.Web.Hosting;

/// <summary>Web app settings (configuration section <c>Pulang:Web</c>).</summary>
public sealed class WebOptions
{
    /// <summary>Configuration section.</summary>
    public const string Section = "Pulang:Web";

    /// <summary>How long a local sign-in lasts (default 8 hours); then the person is sent to the sign-in page.</summary>
    public TimeSpan SessionLifetime { get; set; } = TimeSpan.FromHours(8);

    /// <summary>IANA time zone in which times are shown (default <c>Asia/Jakarta</c>).</summary>
    public string? TimeZone { get; set; }

    /// <summary>The zone's label after each time (default <c>WIB</c> for the default zone, else the zone ID).</summary>
    public string? TimeZoneLabel { get; set; }

    /// <summary>Rows per page of the cases list (default 25).</summary>
    public int PageSize { get; set; } = 25;

    /// <summary>Folder of cached page thumbnails (default: <c>pulang-thumbnails</c> in the temporary folder).</summary>
    public string? ThumbnailCache { get; set; }
}
