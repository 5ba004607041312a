using System.Text.RegularExpressions;
using YamlDotNet.RepresentationModel;

namespace CrudCqrs.Observability.DashboardTests.Support;

/// <summary>One service of docker/docker-compose.yml, with YAML merge keys (<c>&lt;&lt;: *api</c>) applied.</summary>
public sealed record ComposeService(
    string Name,
    string Image,
    bool Built,
    IReadOnlyList<string> Volumes,
    IReadOnlyList<string> Ports,
    IReadOnlyList<string> Expose,
    IReadOnlyDictionary<string, string> Environment);

/// <summary>
/// Reads the compose file that cannot run on machines without Docker, so its wiring can be checked
/// without it: which files each service mounts, and which ports each service listens on.
/// </summary>
public static partial class ComposeStack
{
    public static string Directory => Path.GetDirectoryName(Repo.ComposeFile)!;

    public static IReadOnlyDictionary<string, ComposeService> Services()
    {
        var root = ObservabilityFiles.LoadYaml(Repo.ComposeFile);
        return ((YamlMappingNode)root["services"]).Children.ToDictionary(
            s => ((YamlScalarNode)s.Key).Value!,
            s =>
            {
                var node = Merged((YamlMappingNode)s.Value);
                return new ComposeService(
                    ((YamlScalarNode)s.Key).Value!,
                    Scalar(node, "image"),
                    node.ContainsKey("build"),
                    Strings(node, "volumes"),
                    Strings(node, "ports"),
                    Strings(node, "expose"),
                    node.TryGetValue("environment", out var environment)
                        ? Merged((YamlMappingNode)environment).ToDictionary(e => e.Key, e => ((YamlScalarNode)e.Value).Value ?? "")
                        : new Dictionary<string, string>());
            });
    }

    /// <summary>Bind mounts as (path in the repository, path in the container); named volumes are left out.</summary>
    public static IReadOnlyList<(string HostPath, string ContainerPath)> BindMounts(ComposeService service) =>
        service.Volumes.Where(v => v.StartsWith('.') || v.StartsWith('/'))
            .Select(v => v.Split(':'))
            .Select(parts => (Path.GetFullPath(Path.Combine(Directory, parts[0])), parts[1]))
            .ToList();

    /// <summary>
    /// Ports the service's processes listen on: the container side of <c>ports</c>, <c>expose</c>,
    /// the Dockerfile's EXPOSE for built images, and listen addresses in the files it mounts
    /// (<c>0.0.0.0:4317</c>, <c>http_listen_port: 3200</c>).
    /// </summary>
    public static IReadOnlySet<int> ListeningPorts(ComposeService service)
    {
        var ports = new HashSet<int>();
        foreach (var mapping in service.Ports.Concat(service.Expose))
        {
            ports.Add(int.Parse(mapping.Split(':')[^1].Split('/')[0]));
        }
        var texts = BindMounts(service).Where(m => File.Exists(m.HostPath)).Select(m => File.ReadAllText(m.HostPath)).ToList();
        if (service.Built)
        {
            texts.Add(File.ReadAllText(Path.Combine(Directory, "Dockerfile")));
        }
        foreach (var text in texts)
        {
            foreach (Match listen in ListenPort().Matches(text))
            {
                ports.Add(int.Parse(listen.Groups["port"].Value));
            }
        }
        return ports;
    }

    /// <summary>host:port of a URL (<c>http://loki:3100/otlp</c>) or of a bare <c>host:port</c>.</summary>
    public static (string Host, int Port) Endpoint(string text)
    {
        var match = EndpointPattern().Match(text);
        Assert.True(match.Success, $"'{text}' names no host:port");
        return (match.Groups["host"].Value, int.Parse(match.Groups["port"].Value));
    }

    private static Dictionary<string, YamlNode> Merged(YamlMappingNode node)
    {
        var merged = new Dictionary<string, YamlNode>(StringComparer.Ordinal);
        if (node.Children.TryGetValue(new YamlScalarNode("<<"), out var parent))
        {
            foreach (var (key, value) in Merged((YamlMappingNode)parent))
            {
                merged[key] = value;
            }
        }
        foreach (var (key, value) in node.Children)
        {
            var name = ((YamlScalarNode)key).Value!;
            if (name != "<<")
            {
                merged[name] = value;
            }
        }
        return merged;
    }

    private static string Scalar(Dictionary<string, YamlNode> node, string key) =>
        node.TryGetValue(key, out var value) ? ((YamlScalarNode)value).Value ?? "" : "";

    private static IReadOnlyList<string> Strings(Dictionary<string, YamlNode> node, string key) =>
        node.TryGetValue(key, out var value)
            ? ((YamlSequenceNode)value).Children.Select(c => ((YamlScalarNode)c).Value ?? "").ToList()
            : [];

    [GeneratedRegex(@"(?:0\.0\.0\.0:|(?:listen_port|\bport|EXPOSE)\s*:?\s*)(?<port>[0-9]{2,5})\b")]
    private static partial Regex ListenPort();

    [GeneratedRegex(@"^(?:[a-z]+://)?(?<host>[A-Za-z0-9_.-]+):(?<port>[0-9]+)(?:/.*)?$")]
    private static partial Regex EndpointPattern();
}
