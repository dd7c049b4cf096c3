using Forecast.Cli;

return await Commands.Execute(args);
