namespace Graystep.Git;

/// <summary>
/// An exclusive lock on one managed workspace folder, held by an open file (an OS-level lock): it cannot go stale,
/// because the OS drops it when the process holding it ends, however it ends.
/// </summary>
internal sealed class WorkspaceLock : IDisposable
{
    private readonly FileStream _stream;

    private WorkspaceLock(FileStream stream) => _stream = stream;

    public static WorkspaceLock? TryAcquire(string lockFile)
    {
        try
        {
            var stream = new FileStream(lockFile, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None, 1, FileOptions.None);
            return new WorkspaceLock(stream);
        }
        catch (IOException)
        {
            return null;
        }
        catch (UnauthorizedAccessException)
        {
            return null;
        }
    }

    public void Dispose() => _stream.Dispose();
}
