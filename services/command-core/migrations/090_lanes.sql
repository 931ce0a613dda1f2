-- Off the ordered lanes (issue 23): live mirrors of a channel whose history is being imported wait for the import.
alter table engagement_channels add column importing_since timestamptz;
