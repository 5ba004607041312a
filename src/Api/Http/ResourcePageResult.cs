using System.Text.Json;
using CrudCqrs.Application.Resources;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Options;

namespace CrudCqrs.Api.Http;

/// <summary>
/// A page of resources written as the JSON array the output formatter would write (same names,
/// encoder, timestamp format, <c>application/json; charset=utf-8</c>), straight to the response
/// pipe. The serializer's per-object metadata walk cost more per item than reading the item from
/// SQLite (docs/decisions/013-page-reads.md); pages are the one response with many objects.
/// </summary>
public sealed class ResourcePageResult(IReadOnlyList<ResourceDto> items) : ActionResult
{
    /// <summary>Hand the pipe what is written every this many bytes, so a large page is not held whole.</summary>
    private const int FlushThreshold = 16 * 1024;

    private static readonly JsonEncodedText Id = JsonEncodedText.Encode("id");
    private static readonly JsonEncodedText Name = JsonEncodedText.Encode("name");
    private static readonly JsonEncodedText Description = JsonEncodedText.Encode("description");
    private static readonly JsonEncodedText Dependencies = JsonEncodedText.Encode("dependencies");
    private static readonly JsonEncodedText CreatedAt = JsonEncodedText.Encode("createdAt");
    private static readonly JsonEncodedText UpdatedAt = JsonEncodedText.Encode("updatedAt");

    public IReadOnlyList<ResourceDto> Items => items;

    public override async Task ExecuteResultAsync(ActionContext context)
    {
        var response = context.HttpContext.Response;
        response.StatusCode = StatusCodes.Status200OK;
        response.ContentType = "application/json; charset=utf-8";
        var json = context.HttpContext.RequestServices.GetRequiredService<IOptions<JsonOptions>>().Value.JsonSerializerOptions;
        var body = response.BodyWriter;
        await using var writer = new Utf8JsonWriter(body, OutputFormatterJson.WriterOptions(json) with { SkipValidation = true });
        writer.WriteStartArray();
        for (var i = 0; i < items.Count; i++)
        {
            Write(writer, items[i]);
            if (writer.BytesPending >= FlushThreshold)
            {
                writer.Flush();
                await body.FlushAsync(context.HttpContext.RequestAborted);
            }
        }
        writer.WriteEndArray();
        writer.Flush();
    }

    private static void Write(Utf8JsonWriter writer, ResourceDto item)
    {
        writer.WriteStartObject();
        writer.WriteString(Id, item.Id);
        writer.WriteString(Name, item.Name);
        writer.WriteString(Description, item.Description);
        writer.WriteStartArray(Dependencies);
        var dependencies = item.Dependencies;
        for (var i = 0; i < dependencies.Count; i++)
        {
            writer.WriteStringValue(dependencies[i]);
        }
        writer.WriteEndArray();
        writer.WritePropertyName(CreatedAt);
        UtcDateTimeConverter.WriteValue(writer, item.CreatedAt);
        writer.WritePropertyName(UpdatedAt);
        UtcDateTimeConverter.WriteValue(writer, item.UpdatedAt);
        writer.WriteEndObject();
    }
}
