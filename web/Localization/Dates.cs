using System.Globalization;

namespace Pulang.Web.Localization;

/// <summary>
/// Dates and durations in the reader's language: <c>6 Des 2026 17.24 WIB</c> / <c>6 Dec 2026 17:24 WIB</c>, and ages such as
/// <c>3 hari 4 jam</c> / <c>3 d 4 h</c>. Times are shown in one display time zone (default <c>Asia/Jakarta</c>, WIB; the
/// setting <c>Pulang:Web:TimeZone</c> and its label <c>Pulang:Web:TimeZoneLabel</c>), UTC when the zone is unknown.
/// </summary>
public sealed class Dates(Language language, TimeZoneInfo zone, string zoneLabel)
{
    /// <summary>The reader's language.</summary>
    public Language Language { get; } = language;

    /// <summary>Day, short month name and year: <c>6 Des 2026</c>.</summary>
    public string Day(DateTimeOffset at)
    {
        var local = TimeZoneInfo.ConvertTime(at, zone);
        return $"{local.Day} {Text.Get(Language, $"month.{local.Month}")} {local.Year}";
    }

    /// <summary>
    /// The start (Monday 00:00 in the display time zone, e.g. WIB) of the week <paramref name="weeksBack"/> weeks before the one
    /// holding <paramref name="at"/>; the instant carries the zone's offset then.
    /// </summary>
    public DateTimeOffset WeekStart(DateTimeOffset at, int weeksBack = 0)
    {
        var local = TimeZoneInfo.ConvertTime(at, zone).DateTime.Date;
        var monday = local.AddDays(-(((int)local.DayOfWeek + 6) % 7) - 7 * weeksBack);
        return new DateTimeOffset(monday, zone.GetUtcOffset(monday));
    }

    /// <summary>A calendar date (no time zone): <c>6 Des 2026</c>.</summary>
    public string Day(DateOnly date) => $"{date.Day} {Text.Get(Language, $"month.{date.Month}")} {date.Year}";

    /// <summary>Day and time with the zone label: <c>6 Des 2026 17.24 WIB</c> (Indonesian uses a dot between hours and minutes).</summary>
    public string Time(DateTimeOffset at)
    {
        var local = TimeZoneInfo.ConvertTime(at, zone);
        var separator = Language == Language.Id ? "." : ":";
        return $"{Day(at)} {local.Hour.ToString("00", CultureInfo.InvariantCulture)}{separator}{local.Minute.ToString("00", CultureInfo.InvariantCulture)} {zoneLabel}";
    }

    /// <summary>The ISO 8601 instant for a <c>&lt;time datetime&gt;</c> attribute.</summary>
    public static string Iso(DateTimeOffset at) => at.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);

    /// <summary>A duration in the two largest units: <c>3 hari 4 jam</c>, <c>2 jam 5 menit</c>, <c>4 menit</c>.</summary>
    public string Age(TimeSpan age)
    {
        if (age < TimeSpan.Zero) age = TimeSpan.Zero;
        string U(string unit, int n) => $"{n} {Text.Get(Language, n == 1 ? $"unit.{unit}" : $"unit.{unit}s")}";
        if (age.TotalDays >= 1) return $"{U("day", (int)age.TotalDays)} {U("hour", age.Hours)}";
        if (age.TotalHours >= 1) return $"{U("hour", (int)age.TotalHours)} {U("minute", age.Minutes)}";
        return U("minute", Math.Max(0, (int)age.TotalMinutes));
    }

    /// <summary>The display time zone from configuration (<c>Asia/Jakarta</c> unless set), or UTC when the machine lacks it.</summary>
    public static (TimeZoneInfo Zone, string Label) Zone(string? id, string? label)
    {
        try
        {
            return (TimeZoneInfo.FindSystemTimeZoneById(string.IsNullOrWhiteSpace(id) ? "Asia/Jakarta" : id), string.IsNullOrWhiteSpace(label) ? (string.IsNullOrWhiteSpace(id) ? "WIB" : id) : label);
        }
        catch (Exception e) when (e is TimeZoneNotFoundException or InvalidTimeZoneException)
        {
            return (TimeZoneInfo.Utc, "UTC");
        }
    }
}
