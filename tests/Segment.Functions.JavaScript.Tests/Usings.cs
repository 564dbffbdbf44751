global using NUnit.Framework;
global using Segment.Functions;
global using Segment.Functions.JavaScript;
global using Segment.Functions.Testing;
global using Segment.Functions.Delivery;
global using Segment.Functions.Hosting;
