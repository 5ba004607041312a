using FluentValidation;

namespace CrudCqrs.Application.Resources.CreateResource;

public sealed class CreateResourceValidator : AbstractValidator<CreateResourceCommand>
{
    public CreateResourceValidator()
    {
        RuleFor(c => c.Name).ValidName().OverridePropertyName("name");
        RuleFor(c => c.Description).ValidDescription().OverridePropertyName("description");
        this.AddDependencyRules(c => c.Dependencies);
    }
}
