using System.IO;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using ModelGuard.Engine.Integrity;
using ModelGuard.Hosting.Integrity;

namespace ModelGuard.IntegrationTests.Integrity;

/// <summary>The lock file on disk: replaced whole, so a concurrent reader never sees a torn file (MG4004 never from a torn read).</summary>
public sealed class ModelLockFileStoreTests
{
    private static readonly string ShaA = new('a', 64);

    [Fact]
    public async Task StoreReplacesTheFileWholeWhileOthersReadIt()
    {
        var folder = Directory.CreateTempSubdirectory("modelguard-lock-").FullName;
        try
        {
            var path = Path.Combine(folder, ModelLockFile.FileName);
            Assert.Null(ModelLockFileStore.Read(path));
            var locks = Enumerable.Range(1, 40).Select(n => new ModelLockFile(Enumerable.Range(0, n).Select(i => new ModelLockEntry($"m/{i}.pt", ShaA, i, "zip")))).ToArray();
            using var stop = new CancellationTokenSource();
            var reader = Task.Run(() =>
            {
                var reads = 0;
                while (!stop.IsCancellationRequested || reads == 0)
                {
                    var read = ModelLockFileStore.Read(path);
                    Assert.True(read is null || read.Error is null, read?.Error);
                    reads++;
                }

                return reads;
            });
            Parallel.ForEach(locks, new ParallelOptions { MaxDegreeOfParallelism = 4 }, l => ModelLockFileStore.Write(path, l));
            stop.Cancel();
            Assert.True(await reader > 0);
            Assert.Contains(locks, l => l.SameAs(ModelLockFileStore.Read(path)!.LockFile!));
            Assert.Equal(new[] { ModelLockFile.FileName }, Directory.GetFiles(folder).Select(Path.GetFileName));
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }
}
