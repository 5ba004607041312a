using Microsoft.AspNetCore.Mvc;

namespace CrudCqrs.Api.Idempotency;

/// <summary>Marks a write action that honours the <c>Idempotency-Key</c> header (<see cref="IdempotencyFilter"/>).</summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class IdempotentAttribute() : TypeFilterAttribute(typeof(IdempotencyFilter));
