using FluentValidation;

namespace CrudCqrs.Application.Resources.UpdateResource;

public sealed class UpdateResourceValidator : AbstractValidator<UpdateResourceCommand>
{
    public UpdateResourceValidator()
    {
        RuleFor(c => c.Name).ValidName().When(c => c.Name is not null).OverridePropertyName("name");
        RuleFor(c => c.Description).ValidDescription().OverridePropertyName("description");
        this.AddDependencyRules(c => c.Dependencies, c => c.Id);
    }
}
