namespace Segment.Functions;

/// <summary>The message types of the Segment Spec.</summary>
public enum SegmentEventType
{
    /// <summary><c>identify</c>: who the user is, with traits.</summary>
    Identify,

    /// <summary><c>track</c>: an action the user did, with properties.</summary>
    Track,

    /// <summary><c>page</c>: a web page view.</summary>
    Page,

    /// <summary><c>screen</c>: a mobile screen view.</summary>
    Screen,

    /// <summary><c>group</c>: the user joined an account or organisation.</summary>
    Group,

    /// <summary><c>alias</c>: two user identities are the same person.</summary>
    Alias,

    /// <summary><c>delete</c>: a request to delete a user's data.</summary>
    Delete,
}
