// HelloModels: a stand-in for an app that ships ML models next to its executable.
// It never loads them; ModelGuard checks them while the app builds.
var models = Path.Combine(AppContext.BaseDirectory, "models");
Console.WriteLine("HelloModels ships these model files:");
foreach (var file in Directory.Exists(models) ? Directory.GetFiles(models, "*.pt") : [])
{
    Console.WriteLine($"  {Path.GetFileName(file)} ({new FileInfo(file).Length} bytes)");
}
