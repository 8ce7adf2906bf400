global using Orleans;
global using Orleans.Concurrency;
global using Orleans.Hosting;
global using Orleans.Serialization;
