using MongoDB.Driver;

namespace CrudCqrs.Infrastructure.Persistence.Mongo;

/// <summary>Which driver failures mean "the store cannot answer now, retry later" (503) rather than a bug (500).</summary>
public static class MongoFailures
{
    public const int WriteConflict = 112;

    // Codes of a server that is stepping down, shutting down or unreachable behind a router.
    private static readonly HashSet<int> ConnectionLevelCodes = [6, 7, 89, 91, 189, 9001, 10107, 11600, 11602, 13435, 13436];

    // Server error codes that mean "not now": HostUnreachable, HostNotFound, Unauthorized,
    // AuthenticationFailed, LockTimeout, ExceededTimeLimit, NetworkTimeout, ShutdownInProgress,
    // WriteConflict, PrimarySteppedDown, NoSuchTransaction, ExceededTimeLimit(262),
    // InterruptedAtShutdown, InterruptedDueToReplStateChange, NotWritablePrimary,
    // NotPrimaryNoSecondaryOk, NotPrimaryOrSecondary, SocketException.
    private static readonly HashSet<int> UnavailableCodes =
        [6, 7, 13, 18, 24, 50, 89, 91, 112, 189, 251, 262, 11600, 11602, 10107, 13435, 13436, 9001];

    public static bool IsUnavailable(Exception exception)
    {
        for (var current = exception; current is not null; current = current.InnerException)
        {
            switch (current)
            {
                // Server selection gave up (server down, wrong host, no primary) or an operation timed out.
                case TimeoutException:
                case MongoConnectionException: // includes MongoAuthenticationException
                case MongoNotPrimaryException:
                case MongoNodeIsRecoveringException:
                case MongoExecutionTimeoutException:
                case MongoWaitQueueFullException:
                case MongoIncompatibleDriverException:
                    return true;
                case MongoException mongo when
                    mongo.HasErrorLabel("TransientTransactionError") ||
                    mongo.HasErrorLabel("UnknownTransactionCommitResult") ||
                    mongo.HasErrorLabel("RetryableWriteError"):
                    return true;
                case MongoCommandException command when UnavailableCodes.Contains(command.Code):
                    return true;
                case MongoWriteConcernException:
                    return true;
            }
        }
        return false;
    }

    /// <summary>The server or the way to it failed (not the credentials, not a timeout): worth one more try.</summary>
    public static bool IsConnectionLevel(Exception exception) => exception switch
    {
        MongoAuthenticationException => false,
        MongoConnectionException or MongoNotPrimaryException or MongoNodeIsRecoveringException => true,
        MongoCommandException command => ConnectionLevelCodes.Contains(command.Code),
        _ => false,
    };

    /// <summary>A short reason for the problem details and logs; never document contents.</summary>
    public static string Describe(Exception exception) => exception switch
    {
        TimeoutException => "no suitable MongoDB server answered within the timeout (" + FirstLine(exception.Message) + ")",
        MongoAuthenticationException => "MongoDB refused the credentials",
        MongoCommandException command => $"MongoDB answered {command.CodeName} ({command.Code})",
        _ => FirstLine(exception.Message),
    };

    private static string FirstLine(string text)
    {
        var end = text.IndexOfAny(['\r', '\n']);
        var line = end < 0 ? text : text[..end];
        return line.Length > 300 ? line[..300] + "…" : line;
    }
}
