# Runs the cmdlets over the hostile-input corpus in tests/bad-snapshots: each folder's expected.json names either the
# error (FullyQualifiedErrorId, category, file, JSON path) or the verdicts, which are never Reachable.
BeforeDiscovery {
    $corpusRoot = Join-Path $PSScriptRoot '../bad-snapshots'
    $script:Corpus = foreach ($folder in Get-ChildItem -LiteralPath $corpusRoot -Directory | Sort-Object Name) {
        $expected = Get-Content -Raw -LiteralPath (Join-Path $folder.FullName 'expected.json') | ConvertFrom-Json
        @{ Name = $folder.Name; Folder = $folder.FullName; Expected = $expected }
    }
    $script:ErrorCases = @($Corpus | Where-Object { $_.Expected.kind -eq 'error' })
    $script:VerdictCases = @($Corpus | Where-Object { $_.Expected.kind -eq 'verdict' })
}

BeforeAll {
    . (Join-Path $PSScriptRoot 'TestHelpers.ps1')

    # The snapshot to read: the committed snapshot/ folder, or a copy with generated content (see the folder's README).
    function Get-CorpusSnapshot([string]$Folder, $Expected) {
        $snapshot = Join-Path $Folder 'snapshot'
        if (-not $Expected.PSObject.Properties['generate']) { return $snapshot }
        $target = Join-Path $TestDrive (Split-Path -Leaf $Folder)
        $null = New-Item -ItemType Directory -Path $target -Force
        Copy-Item -Path (Join-Path $snapshot '*') -Destination $target
        $spec = $Expected.generate.naclEntries
        $file = Join-Path $target 'NetworkAcls.json'
        $doc = Get-Content -Raw -LiteralPath $file | ConvertFrom-Json -AsHashtable
        $acl = $doc.NetworkAcls | Where-Object { $_.NetworkAclId -eq $spec.networkAclId }
        $acl.Entries = '__ENTRIES__'
        $entries = [System.Collections.Generic.List[string]]::new()
        function Entry([int]$Number, [bool]$Egress, [string]$Protocol, [string]$Action, [string]$Cidr, $Port) {
            $ports = if ($null -ne $Port) { ",`"PortRange`":{`"From`":$Port,`"To`":$Port}" } else { '' }
            "{`"RuleNumber`":$Number,`"Protocol`":`"$Protocol`",`"RuleAction`":`"$Action`",`"Egress`":$($Egress.ToString().ToLowerInvariant()),`"CidrBlock`":`"$Cidr`"$ports}"
        }
        if ($spec.numbering -eq 'cycle') {
            for ($i = 0; $i -lt $spec.count; $i++) { $entries.Add((Entry ($i % 32766 + 1) $false '6' 'allow' "198.51.100.$($i % 256)/32" 1)) }
        }
        elseif ($spec.numbering -eq 'max') {
            foreach ($egress in $false, $true) {
                $net = if ($egress) { '192.0.2' } else { '198.51.100' }
                for ($n = 1; $n -le 32765; $n++) { $entries.Add((Entry $n $egress '6' 'allow' "$net.$($n % 256)/32" 1)) }
                if ($egress) { $entries.Add((Entry 32766 $true '-1' 'allow' '0.0.0.0/0' $null)) } else { $entries.Add((Entry 32766 $false '6' 'deny' '0.0.0.0/0' 443)) }
                $entries.Add((Entry 32767 $egress '-1' 'deny' '0.0.0.0/0' $null))
            }
            $entries.Reverse()
        }
        else { throw "unknown numbering $($spec.numbering)" }
        $text = ($doc | ConvertTo-Json -Depth 20).Replace('"__ENTRIES__"', '[' + ($entries -join ',') + ']')
        [System.IO.File]::WriteAllText($file, $text)
        return $target
    }

    function Get-TerminatingError([scriptblock]$Script) {
        try { $null = & $Script; return $null } catch { return $_ }
    }
}

Describe 'Bad snapshot corpus: errors' {
    It '<Name>: Import-PacketWalkSnapshot fails with the named error' -ForEach $ErrorCases {
        $snapshot = Get-CorpusSnapshot $Folder $Expected
        $err = Get-TerminatingError { Import-PacketWalkSnapshot -Path $snapshot -WarningAction SilentlyContinue }
        $err | Should -Not -BeNullOrEmpty -Because 'a broken snapshot must not load'
        $err.FullyQualifiedErrorId | Should -Be "$($Expected.errorId),PacketWalk.PowerShell.Cmdlets.ImportPacketWalkSnapshotCommand"
        $err.CategoryInfo.Category | Should -Be $Expected.category
        $err.Exception | Should -BeOfType ([PacketWalk.Core.Snapshot.SnapshotException])
        $err.Exception.File | Should -Be $Expected.file
        if ($Expected.jsonPath) { $err.Exception.JsonPath | Should -Be $Expected.jsonPath } else { $err.Exception.JsonPath | Should -Not -BeNullOrEmpty }
        Split-Path -Leaf $err.TargetObject | Should -Be $Expected.file -Because 'the target object is the broken file'
        $err.ErrorDetails.RecommendedAction | Should -Not -BeNullOrEmpty
    }

    It '<Name>: Test-PacketPath -Snapshot fails with the same error and walks nothing' -ForEach $ErrorCases {
        $snapshot = Get-CorpusSnapshot $Folder $Expected
        $result = $null
        $err = Get-TerminatingError { $script:result = Test-PacketPath -Source 'i-0a0000000000000a1' -Destination 'i-0b0000000000000b1' -Port 443 -Snapshot $snapshot -WarningAction SilentlyContinue }
        $script:result | Should -BeNullOrEmpty
        $err.FullyQualifiedErrorId | Should -Be "$($Expected.errorId),PacketWalk.PowerShell.Cmdlets.TestPacketPathCommand"
        $err.CategoryInfo.Category | Should -Be $Expected.category
    }
}

Describe 'Bad snapshot corpus: verdicts' {
    It '<Name>: every case is its expected verdict, never Reachable' -ForEach $VerdictCases {
        $snapshot = Import-PacketWalkSnapshot -Path (Get-CorpusSnapshot $Folder $Expected) -WarningAction SilentlyContinue
        foreach ($case in $Expected.cases) {
            $walk = @{ Source = $case.source; Destination = $case.destination; Protocol = $case.protocol; Snapshot = $snapshot }
            if ($null -ne $case.port) { $walk.Port = $case.port }
            $r = Test-PacketPath @walk -ErrorVariable errs -ErrorAction SilentlyContinue
            $errs.Count | Should -Be 0 -Because "$($case.name) is a walk, not an error"
            $r.Verdict | Should -Not -BeIn @('Reachable', 'ReachableToEdge')
            $r.Verdict | Should -Be $case.verdict -Because $case.name
            if ($case.PSObject.Properties['reasonOneOf']) { $r.Reason | Should -BeIn $case.reasonOneOf } else { $r.Reason | Should -Be $case.reason }
            if ($case.PSObject.Properties['blockedAt']) { $r.BlockedAt | Should -Be $case.blockedAt }
            $r.Reachable | Should -BeFalse
            $hops = Get-PacketPath @walk
            @($hops | Where-Object { -not $_.Passed }).Count | Should -BeGreaterThan 0 -Because 'the hop table shows where the walk stopped'
        }
    }
}
