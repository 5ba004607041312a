using CrudCqrs.Application.Behaviors;
using CrudCqrs.Application.Resources;
using CrudCqrs.Application.Resources.CreateResource;
using CrudCqrs.Application.Resources.ListResources;
using FluentValidation;

namespace CrudCqrs.Application.UnitTests.Behaviors;

public sealed class ValidationBehaviorTests
{
    private static readonly ResourceDto Reply = new(Guid.NewGuid(), "reply", null, [], DateTime.UtcNow, DateTime.UtcNow);

    [Fact]
    public async Task An_invalid_message_never_reaches_the_handler()
    {
        var behavior = new ValidationBehavior<CreateResourceCommand, ResourceDto>([new CreateResourceValidator()]);
        var handlerCalls = 0;

        var error = await Assert.ThrowsAsync<ValidationException>(() => behavior.Handle(
            new CreateResourceCommand(" ", null, ["not-an-id"]),
            (_, _) =>
            {
                handlerCalls++;
                return ValueTask.FromResult(Reply);
            },
            CancellationToken.None).AsTask());

        Assert.Equal(0, handlerCalls);
        Assert.Equal(new[] { "name", "dependencies[0]" }, error.Errors.Select(e => e.PropertyName));
    }

    [Fact]
    public async Task Failures_of_every_validator_are_reported_together()
    {
        var extra = new InlineValidator<ListResourcesQuery>();
        extra.RuleFor(q => q.Limit).Must(limit => limit % 2 == 0).OverridePropertyName("limit").WithMessage("even");
        var behavior = new ValidationBehavior<ListResourcesQuery, PagedResult>([new ListResourcesValidator(), extra]);
        var handlerCalls = 0;

        var error = await Assert.ThrowsAsync<ValidationException>(() => behavior.Handle(
            new ListResourcesQuery(-1, 1001),
            (_, _) =>
            {
                handlerCalls++;
                return ValueTask.FromResult(new PagedResult([], 0));
            },
            CancellationToken.None).AsTask());

        Assert.Equal(0, handlerCalls);
        Assert.Equal(new[] { "offset", "limit", "limit" }, error.Errors.Select(e => e.PropertyName));
    }

    [Fact]
    public async Task A_valid_message_reaches_the_handler_once_and_its_reply_comes_back()
    {
        var behavior = new ValidationBehavior<CreateResourceCommand, ResourceDto>([new CreateResourceValidator()]);
        var message = new CreateResourceCommand("name", null, null);
        var handled = new List<CreateResourceCommand>();

        var reply = await behavior.Handle(message, (m, _) =>
        {
            handled.Add(m);
            return ValueTask.FromResult(Reply);
        }, CancellationToken.None);

        Assert.Same(Reply, reply);
        Assert.Equal(new[] { message }, handled);
    }

    [Fact]
    public async Task A_message_without_validators_passes_straight_through()
    {
        var behavior = new ValidationBehavior<ListResourcesQuery, PagedResult>([]);
        var expected = new PagedResult([], 0);

        var reply = await behavior.Handle(new ListResourcesQuery(-1, 0), (_, _) => ValueTask.FromResult(expected), CancellationToken.None);

        Assert.Same(expected, reply);
    }
}
