// Lists the models the build copied next to the app; ModelGuard checked each of them when the app was built.
var models = Path.Combine(AppContext.BaseDirectory, "models");
foreach (var file in Directory.EnumerateFiles(models).Order(StringComparer.Ordinal))
{
    Console.WriteLine($"{Path.GetFileName(file)}: {new FileInfo(file).Length} bytes");
}
