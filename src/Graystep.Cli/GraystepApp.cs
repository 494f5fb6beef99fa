namespace Graystep.Cli;

internal static class GraystepApp
{
    public static int Run(string[] args)
    {
        _ = args;
        return 0;
    }
}
