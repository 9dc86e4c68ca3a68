//! Every command a key, the palette or the help overlay can name. One table feeds all three,
//! so help can never drift from the bindings.

use std::fmt;

macro_rules! commands {
    ($($variant:ident => $name:literal, $desc:literal;)*) => {
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum Command { $($variant),* }

        impl Command {
            pub const ALL: &'static [Command] = &[$(Command::$variant),*];

            pub fn name(self) -> &'static str {
                match self { $(Command::$variant => $name),* }
            }

            pub fn description(self) -> &'static str {
                match self { $(Command::$variant => $desc),* }
            }

            pub fn from_name(name: &str) -> Option<Command> {
                match name { $($name => Some(Command::$variant),)* _ => None }
            }
        }
    };
}

commands! {
    Quit => "quit", "Quit airc";
    Help => "help", "Show the key bindings (searchable)";
    Palette => "palette", "Command palette: run any command by name";
    Filter => "filter", "Filter the focused pane";
    FilterAll => "filter_all", "Filter every pane at once";
    ClearFilter => "clear_filter", "Clear the pane and global filters";
    FocusNext => "focus_next", "Focus the next pane";
    FocusPrev => "focus_prev", "Focus the previous pane";
    FocusHealth => "focus_health", "Focus the Health pane";
    FocusGuardDuty => "focus_guardduty", "Focus the Findings pane (GuardDuty, Security Hub, Macie, Inspector, Access Analyzer)";
    FocusCloudTrail => "focus_cloudtrail", "Focus the CloudTrail pane";
    FocusEntities => "focus_entities", "Focus the entities pane";
    Zoom => "zoom", "Zoom the focused pane to full screen, or back";
    CycleLayout => "cycle_layout", "Cycle layouts: grid, stacked, zoomed";
    Up => "up", "Move up";
    Down => "down", "Move down";
    PageUp => "page_up", "Page up";
    PageDown => "page_down", "Page down";
    Top => "top", "Go to the first row";
    Bottom => "bottom", "Go to the last row";
    Open => "open", "Open the detail view / choose";
    Close => "close", "Close the overlay, or step out of the pivot";
    Pivot => "pivot", "Pivot every pane on one of the selected row's entities";
    PivotBack => "pivot_back", "Step out of the current pivot";
    SortNext => "sort_next", "Sort by the next column";
    SortReverse => "sort_reverse", "Reverse the sort order";
    CloudTrailLookup => "cloudtrail_lookup", "Look up the selected access key, user or resource in live CloudTrail (LookupEvents)";
    Hunt => "hunt", "Hunt the selected entity across the organization's CloudTrail history on Athena (the query is shown first; esc cancels it)";
    Respond => "respond", "Plan a response action on the selected row (preview, confirm, run, audit)";
    CopyId => "copy_id", "Copy the selected id to the clipboard (OSC 52)";
    CopyArn => "copy_arn", "Copy the selected ARN or entity id (OSC 52)";
    CopyJson => "copy_json", "Copy the full JSON of the selected signal (OSC 52)";
    Search => "search", "Search in the detail view";
    SearchNext => "search_next", "Next search match";
    SearchPrev => "search_prev", "Previous search match";
    MarkSeen => "mark_seen", "Mark every signal as seen";
    ToggleBell => "toggle_bell", "Bell on new High/Critical signals: on/off";
    IncidentNew => "incident_new", "Open a new incident (type its title)";
    IncidentOpen => "incident_open", "Switch to another incident (or reopen a closed one)";
    Notebook => "notebook", "Show the incident notebook: timeline, metrics, affected entities";
    Stories => "stories", "Show attack stories: signals joined by the entities they share, ranked (enter pivots, N opens an incident)";
    Recover => "recover", "Recovery checklist of the selected story: each change the attacker made, with its undo (enter plans it, as R does)";
    Network => "network", "Show the Network view: flow conversations ranked by bytes or rejects, top talkers and ports (enter pivots on the address, / filters: port:, proto:, action:reject, bytes:>10M, domain:)";
    Pin => "pin", "Pin the selected signal as evidence (an entity: as affected)";
    Note => "note", "Write a timestamped note in the incident";
    SaveNote => "save_note", "Save the note being written";
    ExternalEditor => "external_editor", "Continue the note in $EDITOR";
    PhaseNext => "phase_next", "Move the incident to the next phase";
    PhasePrev => "phase_prev", "Move the incident back a phase (reopens a closed one)";
    Export => "export", "Export the incident as a markdown postmortem";
    Accept => "accept", "Accept the input";
    Cancel => "cancel", "Cancel the input";
    LineStart => "line_start", "In a prompt: move to the start of the line";
    LineEnd => "line_end", "In a prompt: move to the end of the line";
    CharLeft => "char_left", "In a prompt: move one character left";
    CharRight => "char_right", "In a prompt: move one character right";
    WordLeft => "word_left", "In a prompt: move one word left";
    WordRight => "word_right", "In a prompt: move one word right";
    KillToStart => "kill_to_start", "In a prompt: delete from the cursor to the start of the line";
    KillWord => "kill_word", "In a prompt: delete the word before the cursor";
    KillToEnd => "kill_to_end", "In a prompt: delete from the cursor to the end of the line";
    DeleteChar => "delete_char", "In a prompt: delete the character under the cursor";
    Yank => "yank", "In a prompt: paste what was last deleted";
}

impl Command {
    /// Editing the line of a prompt (the keymap's `[input]` table), meaningless elsewhere.
    pub fn is_line_edit(self) -> bool {
        matches!(
            self,
            Command::LineStart
                | Command::LineEnd
                | Command::CharLeft
                | Command::CharRight
                | Command::WordLeft
                | Command::WordRight
                | Command::KillToStart
                | Command::KillWord
                | Command::KillToEnd
                | Command::DeleteChar
                | Command::Yank
        )
    }
}

impl fmt::Display for Command {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip_and_are_unique() {
        let mut seen = std::collections::HashSet::new();
        for c in Command::ALL {
            assert_eq!(Command::from_name(c.name()), Some(*c));
            assert!(seen.insert(c.name()), "duplicate {c}");
            assert!(!c.description().is_empty());
        }
    }
}
