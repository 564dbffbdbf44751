namespace Segment.Functions.PostgreSql.Queue;

/// <summary>
/// One claim of one delivery row: its id and the attempt number the claim gave it. Every claim adds one
/// to the row's attempts, so the pair tells this claim apart from any later claim of the same row (by
/// another instance, or by this one after its lease expired): a renewal or a completion applies only
/// while the row still carries this pair and this instance's name.
/// </summary>
/// <param name="Id">The delivery row's id (the records' sequence).</param>
/// <param name="Attempt">The row's attempts after this claim.</param>
internal readonly record struct Lease(long Id, int Attempt);
