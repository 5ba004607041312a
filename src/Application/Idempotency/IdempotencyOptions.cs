namespace CrudCqrs.Application.Idempotency;

/// <summary>The <c>Idempotency</c> section: how long a key is kept.</summary>
public sealed class IdempotencyOptions
{
    public const string SectionName = "Idempotency";

    public int RetentionHours { get; set; } = 24;
}
