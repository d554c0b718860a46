namespace Gateway.Rules;

public enum CheckPhase
{
    /// <summary>Submit, edit, preview: every check runs.</summary>
    Submit,

    /// <summary>Just before publishing: only checks whose answer can change with time run again.</summary>
    FireTime,
}
