using System.Collections.Concurrent;
using System.Globalization;
using Microsoft.IdentityModel.Tokens;

namespace CrudCqrs.Api.Security;

/// <summary>
/// Logs refused requests (401, 403) without flooding: at most one line per reason per
/// <see cref="Window"/>, naming the caller and path of the refusal it reports and how many of the
/// same reason were not logged since the last line. Reasons are a fixed set, so memory stays
/// bounded whatever the callers send; token contents are never logged.
/// </summary>
public sealed partial class AuthRefusalLog(ILogger<AuthRefusalLog> logger, TimeProvider clock)
{
    public static readonly TimeSpan Window = TimeSpan.FromMinutes(1);

    private const int MaxCallerLength = 100;

    private readonly ConcurrentDictionary<string, ReasonGate> _gates = new(StringComparer.Ordinal);

    /// <summary>Why a token was not accepted; <c>no_token</c> when none was sent.</summary>
    public static string ReasonOf(Exception? failure) => failure switch
    {
        null => "no_token",
        SecurityTokenExpiredException => "expired",
        SecurityTokenNotYetValidException => "not_yet_valid",
        SecurityTokenInvalidSignatureException or SecurityTokenSignatureKeyNotFoundException => "bad_signature",
        SecurityTokenInvalidAlgorithmException => "bad_algorithm",
        SecurityTokenInvalidAudienceException => "wrong_audience",
        SecurityTokenInvalidIssuerException => "wrong_issuer",
        NoCallerInTokenException => "no_caller",
        CriticalHeaderException => "critical_header",
        SecurityTokenMalformedException or ArgumentException => "malformed",
        _ => "invalid_token",
    };

    /// <summary>A 401; when the authority's signing keys could not be fetched, that, not the token, is the reason.</summary>
    public void Unauthenticated(HttpContext context, Exception? failure, bool keysUnavailable)
    {
        var reason = failure is not null && keysUnavailable ? "keys_unavailable" : ReasonOf(failure);
        if (Pass(reason, out var notLogged))
        {
            Unauthenticated(logger, reason, RemoteCaller(context), context.Request.Method, Printable(context.Request.Path.Value ?? ""), notLogged);
        }
    }

    public void Forbidden(HttpContext context, IReadOnlyCollection<string> missingScopes)
    {
        const string reason = "missing_scope";
        if (Pass(reason, out var notLogged))
        {
            Forbidden(logger, string.Join(' ', missingScopes), Printable(CallerIdentity.Of(context.User) ?? "unknown"),
                context.Request.Method, Printable(context.Request.Path.Value ?? ""), notLogged);
        }
    }

    private bool Pass(string reason, out long notLogged)
    {
        notLogged = 0;
        return logger.IsEnabled(LogLevel.Warning) && _gates.GetOrAdd(reason, _ => new ReasonGate()).TryPass(clock.GetUtcNow(), out notLogged);
    }

    private static string RemoteCaller(HttpContext context) => "ip:" + (context.Connection.RemoteIpAddress?.ToString() ?? "local");

    /// <summary>Control and format characters (CR, LF, bidi overrides) become '?', and long values are cut.</summary>
    private static string Printable(string text)
    {
        var shown = text.Length > MaxCallerLength ? text[..MaxCallerLength] : text;
        var printable = string.Create(shown.Length, shown, (span, source) =>
        {
            for (var i = 0; i < source.Length; i++)
            {
                var category = char.GetUnicodeCategory(source[i]);
                span[i] = category is UnicodeCategory.Control or UnicodeCategory.Format or UnicodeCategory.Surrogate ? '?' : source[i];
            }
        });
        return text.Length > MaxCallerLength ? printable + "…" : printable;
    }

    [LoggerMessage(EventId = 3001, EventName = "RequestUnauthenticated", Level = LogLevel.Warning,
        Message = "Refused with 401 ({Reason}): {Caller} {Method} {Path}; {NotLogged} more for this reason not logged since the last such line")]
    private static partial void Unauthenticated(ILogger logger, string reason, string caller, string method, string path, long notLogged);

    [LoggerMessage(EventId = 3002, EventName = "RequestForbidden", Level = LogLevel.Warning,
        Message = "Refused with 403 (missing scope {MissingScopes}): {Caller} {Method} {Path}; {NotLogged} more for this reason not logged since the last such line")]
    private static partial void Forbidden(ILogger logger, string missingScopes, string caller, string method, string path, long notLogged);

    private sealed class ReasonGate
    {
        private readonly Lock _lock = new();
        private DateTimeOffset _nextLineAt = DateTimeOffset.MinValue;
        private long _suppressed;

        public bool TryPass(DateTimeOffset now, out long suppressed)
        {
            lock (_lock)
            {
                if (now < _nextLineAt)
                {
                    _suppressed++;
                    suppressed = 0;
                    return false;
                }
                suppressed = _suppressed;
                _suppressed = 0;
                _nextLineAt = now + Window;
                return true;
            }
        }
    }
}
