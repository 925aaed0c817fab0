using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.WebUtilities;
using Pulang.Workflows.Storage;

namespace Pulang.Workflows.Http;

/// <summary>
/// The <c>sort</c> and <c>continuationToken</c> query values of the case list and the inbox, and the page body:
/// <c>{"cases":[...],"continuationToken":"...","next":"/api/cases?...&amp;continuationToken=..."}</c> (both null on the last page).
/// </summary>
public static class ListPaging
{
    /// <summary>Reads <paramref name="sort"/> (default <paramref name="fallback"/>) and <paramref name="continuationToken"/>; a 400 problem when either is not valid.</summary>
    public static IResult? TryRead(string? sort, string? continuationToken, IndexSort fallback, out IndexSort order, out IndexPaging.Cursor? after)
    {
        after = null;
        if (!IndexPaging.TryParseSort(sort, fallback, out order))
        {
            return Problems.Invalid(new Dictionary<string, string[]> { ["sort"] = [$"Unknown sort '{Problems.Shorten(sort)}'; one of {string.Join(", ", IndexPaging.Names.Keys)}."] });
        }

        if (!IndexPaging.TryDecode(continuationToken, order, out after))
        {
            return Problems.Invalid(new Dictionary<string, string[]>
            {
                ["continuationToken"] = ["Not a continuation token of this list and sort; pass back the continuationToken (or follow next) of the previous page unchanged."],
            });
        }

        return null;
    }

    /// <summary>The page body; <c>next</c> is this request's path and query with the new token.</summary>
    public static CasePage<T> Body<T>(IndexPage<T> page, HttpRequest request)
    {
        string? next = null;
        if (page.ContinuationToken is { } token)
        {
            var query = request.Query.Where(q => !string.Equals(q.Key, "continuationToken", StringComparison.OrdinalIgnoreCase))
                .SelectMany(q => q.Value.Select(v => new KeyValuePair<string, string?>(q.Key, v)))
                .Append(new("continuationToken", token));
            next = QueryHelpers.AddQueryString(request.PathBase + request.Path, query);
        }

        // CasePage writes the two nulls of the last page (Pulang's JSON otherwise leaves null properties out).
        return new CasePage<T>(page.Items, page.ContinuationToken, next);
    }
}
