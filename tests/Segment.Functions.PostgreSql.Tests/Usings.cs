global using NUnit.Framework;
global using Segment.Functions;
