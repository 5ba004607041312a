namespace CrudCqrs.Scale;

/// <summary>Command line: <c>--sizes 1000 100000 1000000</c>, <c>--quick</c>, <c>--write-docs</c>, <c>--api path/CrudCqrs.Api.dll</c>.</summary>
public sealed record ScaleOptions(IReadOnlyList<int> Sizes, bool Quick, bool WriteDocs, string? ApiDll, string? WorkDirectory)
{
    public int WarmUp => Quick ? 3 : 10;
    public int Repetitions => Quick ? 7 : 40;
    public int CascadeRepetitions => Quick ? 2 : 5;

    public static ScaleOptions Parse(string[] args)
    {
        var sizes = new List<int>();
        bool quick = false, writeDocs = false;
        string? api = null, work = null;
        for (var i = 0; i < args.Length; i++)
        {
            switch (args[i])
            {
                case "--sizes":
                    while (i + 1 < args.Length && !args[i + 1].StartsWith("--", StringComparison.Ordinal))
                    {
                        sizes.Add(int.Parse(args[++i].Replace("_", "").Replace(",", ""), System.Globalization.CultureInfo.InvariantCulture));
                    }
                    break;
                case "--quick": quick = true; break;
                case "--write-docs": writeDocs = true; break;
                case "--api": api = args[++i]; break;
                case "--work-dir": work = args[++i]; break;
                default: throw new ArgumentException($"Unknown argument '{args[i]}'. Use --sizes N..., --quick, --write-docs, --api PATH, --work-dir DIR.");
            }
        }
        if (sizes.Count == 0)
        {
            sizes.AddRange([1_000, 100_000, 1_000_000]);
        }
        if (sizes.Any(s => s < Fixture.MinimumSize))
        {
            throw new ArgumentException($"Sizes must be at least {Fixture.MinimumSize}.");
        }
        sizes.Sort();
        return new ScaleOptions(sizes, quick, writeDocs, api, work);
    }
}
