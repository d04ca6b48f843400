namespace Esante.MsSante.Directory;

/// <summary>Where persons' mailboxes (PER) rank against structures' (ORG, APP, CAB) among equally good matches.</summary>
public enum DirectoryKindOrder
{
    /// <summary>Persons first, then the others; as <see cref="InMemoryDirectory"/> ranks.</summary>
    PersonsFirst,

    /// <summary>Structures' mailboxes first, then persons.</summary>
    StructuresFirst,

    /// <summary>No preference: by name only.</summary>
    NameOnly,
}
