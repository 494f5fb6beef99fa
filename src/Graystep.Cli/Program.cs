return Graystep.Cli.GraystepApp.Run(args);
