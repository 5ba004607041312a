using System.Text.Encodings.Web;
using System.Text.Json;

namespace CrudCqrs.Api.Http;

/// <summary>JSON written byte for byte as MVC's JSON output formatter writes it, for answers the service writes itself.</summary>
internal static class OutputFormatterJson
{
    /// <summary>The serializer's encoder (the formatter falls back to the relaxed one when none is configured) and indentation.</summary>
    public static JsonWriterOptions WriterOptions(JsonSerializerOptions json) => new()
    {
        Encoder = json.Encoder ?? JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        Indented = json.WriteIndented,
    };
}
